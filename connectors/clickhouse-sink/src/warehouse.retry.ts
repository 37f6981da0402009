import { NoReplicaUsable } from './errors';

/** Network failures that end when the server is back (down, restarting, unreachable for a while). */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/**
 * True when the error (or one of its causes) says ClickHouse could not be reached, as opposed to a
 * refusal that needs a fix (wrong password, bad DDL, chDB path held by another process).
 */
export function isUnreachable(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    // Every replica down or behind: one comes back.
    if (current instanceof NoReplicaUsable) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    if (/socket hang up|^Timeout error/i.test(current.message)) return true;
  }
  return false;
}

/** The innermost cause's message: `connect ECONNREFUSED 127.0.0.1:8123`, not the advice wrapped around it. */
function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number, baseMs = 250, maxMs = 10_000, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });

export interface WhenReachableOptions {
  /** What is waited for, as the log names it (the server URL). */
  target: string;
  warn: (message: string) => void;
  /** Stops waiting (the sink is being shut down before it ever started). */
  signal?: AbortSignal;
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, waiting with backoff while ClickHouse is unreachable: a sink started
 * while its server is down (restarted with it, or before it) reports that it waits and starts once the
 * server answers, instead of exiting for a supervisor to restart. Any other failure is thrown at once.
 * Logs when waiting starts, when its reason changes and when it ends; not once per retry.
 */
export async function whenReachable<T>(attempt: () => Promise<T>, options: WhenReachableOptions): Promise<T> {
  let failures = 0;
  let lastReason: string | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const result = await attempt();
      if (failures > 0) options.warn(`ClickHouse at ${options.target} answers again after ${failures} failed attempt(s); starting`);
      return result;
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      const reason = rootMessage(error);
      if (reason !== lastReason) options.warn(`waiting for ClickHouse at ${options.target}, not connected (${reason}); retrying with backoff up to 10 s apart`);
      lastReason = reason;
      await sleep(backoffMs(failures++, undefined, undefined, options.random), options.signal);
    }
  }
}
