import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceStartError } from './errors';
import { logTail } from './log-tail';
import type { LaunchedProcess } from './process.supervisor';
import type { ServiceContext, ServiceDefinition } from './service';

const POLL_MS = 250;

/**
 * Probes until the service answers a real request. Fails fast when the process exits, and after the
 * service's timeout with the last probe error; both name the service and show its log's last lines.
 */
export async function waitUntilReady(definition: ServiceDefinition, context: ServiceContext, launched: LaunchedProcess): Promise<void> {
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void launched.exited.then((result) => (exit = result));
  const deadline = Date.now() + definition.readyTimeoutMs;
  let lastReason = 'no probe finished';
  for (;;) {
    if (exit) {
      throw new ServiceStartError(definition.name, `the process exited (code ${exit.code}, signal ${exit.signal}) before it was ready`, context.logFile, logTail(context.logFile));
    }
    try {
      await definition.probe(context);
      return;
    } catch (error) {
      lastReason = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new ServiceStartError(definition.name, `not ready after ${definition.readyTimeoutMs / 1000} s (last probe: ${lastReason})`, context.logFile, logTail(context.logFile));
    }
    await sleep(POLL_MS);
  }
}
