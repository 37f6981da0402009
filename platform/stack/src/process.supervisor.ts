import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A process we started, identified by pid AND its start time (clock ticks after boot, from /proc), so that a
 * pid the kernel has since reused for somebody else's process is never signalled.
 */
export interface ProcessRef {
  pid: number;
  startTime: string;
}

export interface LaunchSpec {
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  logFile: string;
}

export interface LaunchedProcess {
  ref: ProcessRef;
  /** Settles when the process exits while this Node process still watches it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a service in its own process group (detached) with stdout and stderr appended to its log file.
 * Its own group lets stop signal the whole tree (tsx runs the registry in a child node process), and
 * detached lets `deploy/local up` leave the services running after the CLI exits.
 */
export async function launch(spec: LaunchSpec): Promise<LaunchedProcess> {
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', log, log],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', () => resolve({ code: null, signal: null }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    child.unref();
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid ?? -1));
      child.once('error', reject);
    });
    const startTime = processStartTime(pid);
    if (startTime === undefined) {
      const result = await exited;
      throw new Error(`${spec.command} exited at once (code ${result.code}, signal ${result.signal})`);
    }
    return { ref: { pid, startTime }, exited };
  } finally {
    closeSync(log);
  }
}

/** Field 22 of /proc/<pid>/stat, or undefined when the process is gone or a zombie. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  if (state === 'Z' || state === 'X') return undefined;
  return fields[19];
}

export function isRunning(ref: ProcessRef): boolean {
  return processStartTime(ref.pid) === ref.startTime;
}

function signalGroup(ref: ProcessRef, signal: NodeJS.Signals): void {
  if (!isRunning(ref)) return;
  try {
    process.kill(-ref.pid, signal);
  } catch {
    // The group leader exited between the check and the signal: nothing left to stop.
  }
}

/**
 * SIGTERM, then SIGKILL after `graceMs`: services get the chance to flush (Kafka writes its clean-shutdown
 * marker, so the next start needs no log recovery) but a hung one cannot block the test run.
 */
export async function stopProcess(ref: ProcessRef, graceMs = 15_000): Promise<void> {
  signalGroup(ref, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isRunning(ref) && Date.now() < deadline) await sleep(100);
  if (!isRunning(ref)) return;
  signalGroup(ref, 'SIGKILL');
  while (isRunning(ref)) await sleep(50);
}

/** Synchronous last resort for `process.on('exit')`, where nothing asynchronous runs any more. */
export function killNow(ref: ProcessRef): void {
  signalGroup(ref, 'SIGKILL');
}

const endHooks = new Set<() => void>();
let endHooksInstalled = false;

function runEndHooks(): void {
  for (const hook of [...endHooks]) {
    try {
      hook();
    } catch {
      // Already gone: nothing to kill.
    }
  }
}

/**
 * Ties processes we started to this Node process: `kill` (synchronous, e.g. killNow) runs when it exits, or
 * when SIGINT, SIGTERM or SIGHUP would end it (no other listener handles the signal; one that does, such as
 * a graceful stop, decides, and exit still kills). Returns the function that unties them, for a clean stop.
 * A SIGKILL of this process runs nothing: what it started outlives it then.
 */
export function killWithThisProcess(kill: () => void): () => void {
  if (!endHooksInstalled) {
    endHooksInstalled = true;
    process.on('exit', runEndHooks);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const onSignal = () => {
        if (process.listenerCount(signal) > 1) return;
        runEndHooks();
        // Alone, our listener would swallow the signal; then die of it as the process would have.
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      };
      process.on(signal, onSignal);
    }
  }
  endHooks.add(kill);
  return () => endHooks.delete(kill);
}
