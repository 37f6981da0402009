import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './paths';
import { isRunning, killNow, type ProcessRef } from './process.supervisor';
import { readState, stateFile } from './stack.state';

const WATCHDOG_MAIN = fileURLToPath(import.meta.url);
const POLL_MS = 1_000;

/**
 * Ties a session stack's services to its owner even when the owner dies of SIGKILL, which runs no exit hook: a
 * small process of its own (detached, so it outlives the owner) checks the owner every second and, once it is
 * gone, kills the process group of every service the stack's state lists as running. It leaves when the stack's
 * folder is gone (the stack was stopped and removed) or the state names another owner.
 */
export function watchOwner(dir: string, owner: ProcessRef): void {
  // One Node process with tsx's loader (the tsx command would start a second one).
  const watchdog = spawn(process.execPath, ['--import', 'tsx', WATCHDOG_MAIN, dir, String(owner.pid), owner.startTime], { cwd: REPO_ROOT, detached: true, stdio: 'ignore' });
  watchdog.on('error', () => undefined); // without it the stack still dies with a normal exit of its owner
  watchdog.unref();
}

/** One round of the watch: true while there is still something to watch. */
export function watchRound(dir: string, owner: ProcessRef): boolean {
  if (!existsSync(stateFile(dir))) return false;
  let state;
  try {
    state = readState(dir);
  } catch {
    return true; // being rewritten: look again next round
  }
  if (state.owner?.pid !== owner.pid || state.owner.startTime !== owner.startTime) return false;
  if (isRunning(owner)) return true;
  for (const service of state.services) if (service.process) killNow(service.process);
  return false;
}

if (process.argv[1] === WATCHDOG_MAIN) {
  const [dir, pid, startTime] = process.argv.slice(2);
  const owner = { pid: Number(pid), startTime: startTime ?? '' };
  const timer = setInterval(() => {
    if (!watchRound(dir ?? '', owner)) clearInterval(timer);
  }, POLL_MS);
}
