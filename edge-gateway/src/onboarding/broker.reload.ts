import { readFileSync } from 'node:fs';
import { BrokerReloadFailed } from './errors';

export type BrokerReloadTarget = { pid: number } | { pidFile: string };

/**
 * Mosquitto 2.0 re-reads its config, certificates, CRL and ACL on SIGHUP (what `systemctl reload
 * mosquitto` sends on Debian) and applies them to every connection made after; it does not re-read the
 * CRL by itself, so without this a revocation waits for the broker's next restart.
 */
export function reloadBroker(target: BrokerReloadTarget): number {
  const described = 'pid' in target ? `pid ${target.pid}` : `pid file ${target.pidFile}`;
  let pid: number;
  if ('pid' in target) pid = target.pid;
  else {
    try {
      pid = Number.parseInt(readFileSync(target.pidFile, 'utf8').trim(), 10);
    } catch (error) {
      throw new BrokerReloadFailed(described, 'the pid file is unreadable', { cause: error });
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) throw new BrokerReloadFailed(described, `'${pid}' is not a process id`);
  try {
    process.kill(pid, 'SIGHUP');
  } catch (error) {
    throw new BrokerReloadFailed(described, (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'no such process' : String(error), { cause: error });
  }
  return pid;
}
