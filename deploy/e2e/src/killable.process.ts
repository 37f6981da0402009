import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { REPO_ROOT } from '@fieldmesh/stack';

/** How a start ended: its exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A TypeScript entry point run as its own OS process with output appended to one log file, so a test can
 * kill -9 it. Node runs tsx as a loader in the same process: the kill reaches the program itself, not a
 * launcher. Exits that nobody asked for are recorded, since a crash is a finding of its own.
 */
export class KillableProcess {
  private child?: ChildProcess;
  private exited?: Promise<ProcessExit>;
  private expectingExit = false;
  private starts = 0;
  /** Exits nobody asked for (crashes), with their code or signal. */
  readonly unexpectedExits: string[] = [];

  constructor(
    private readonly name: string,
    readonly logFile: string,
  ) {}

  /** Starts `entry` with `args`; `onUnexpectedExit` runs when it dies without kill() or stop(). */
  spawn(entry: string, args: string[], onUnexpectedExit?: () => void): void {
    const log = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: REPO_ROOT, stdio: ['ignore', log, log] });
    this.child = child;
    this.starts += 1;
    this.expectingExit = false;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.expectingExit) {
          this.unexpectedExits.push(`${this.name} exited (${signal ?? `code ${code}`}); see ${this.logFile}`);
          onUnexpectedExit?.();
        }
        resolve({ code, signal });
      }),
    );
  }

  /** The current start's process id (its tree holds what it spawned), e.g. to sample its memory. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Resolves with the match once the current start has logged `pattern` (the log holds every start's
   * lines, so the n-th start waits for the n-th match).
   */
  async logged(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const global = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
    const deadline = Date.now() + timeoutMs;
    const wanted = this.starts;
    for (;;) {
      const matches = [...(await readFile(this.logFile, 'utf8').catch(() => '')).matchAll(global)];
      if (matches.length >= wanted) return matches[wanted - 1]!;
      if (!this.alive) throw new Error(`${this.name} exited before it was ready; see ${this.logFile}`);
      if (Date.now() > deadline) throw new Error(`${this.name} was not ready within ${timeoutMs} ms; see ${this.logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits for a program that ends by itself (e.g. after a --duration): that exit is expected, not a crash. */
  async ended(): Promise<ProcessExit> {
    if (!this.exited) throw new Error(`${this.name} was never started`);
    this.expectingExit = true;
    return this.exited;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. False when it was not running. */
  async kill(): Promise<boolean> {
    if (!this.alive) return false;
    this.expectingExit = true;
    this.child!.kill('SIGKILL');
    await this.exited;
    return true;
  }

  /** SIGTERM: the program closes cleanly. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.expectingExit = true;
    this.child!.kill('SIGTERM');
    await this.exited;
  }
}
