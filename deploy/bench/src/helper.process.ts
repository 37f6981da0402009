import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { HelperProcessFailed } from './errors';

export interface HelperProcess {
  /** The process id (its CPU time is read from /proc while it runs). */
  readonly pid: number | undefined;
  /** Resolves when the process exits with code 0; rejects with HelperProcessFailed otherwise. */
  readonly finished: Promise<void>;
  /** SIGTERM, then waits for the exit; idempotent. */
  stop(): Promise<void>;
}

/**
 * A TypeScript entry point of this repository in its own Node process (load generator, sink), so that
 * it does not share the event loop of what it measures. Each stdout line goes to `onLine`.
 */
export function startHelper(
  name: string,
  entry: string,
  args: string[],
  options: {
    cwd: string;
    onLine: (line: string) => void;
    /** Modules loaded before the entry (after tsx). */ preload?: string[];
    /** Added to this process's environment. */ env?: Record<string, string>;
  },
): HelperProcess {
  const preload = (options.preload ?? []).flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, entry, ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    keep(line);
    options.onLine(line);
  });
  createInterface({ input: child.stderr }).on('line', keep);
  let stopping = false;
  const finished = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(new HelperProcessFailed(name, null, `${String(error)}\n${tail.join('\n')}`)));
    child.once('close', (code) => (code === 0 || (stopping && code === null) ? resolve() : reject(new HelperProcessFailed(name, code, tail.join('\n')))));
  });
  // Whoever awaits `finished` sees the failure; an unawaited helper must not crash the bench by itself.
  finished.catch(() => undefined);
  return {
    pid: child.pid,
    finished,
    stop: async () => {
      if (!stopping && child.exitCode === null && child.signalCode === null) {
        stopping = true;
        child.kill('SIGTERM');
      }
      await finished.catch(() => undefined);
    },
  };
}
