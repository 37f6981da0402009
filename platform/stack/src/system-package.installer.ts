import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { runCommand } from './command.runner';
import { ServiceInstallError } from './errors';

// Daemons live in sbin, which a non-root PATH often lacks.
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The absolute path of an executable on PATH or in the system directories (or at `name` if absolute), or undefined. */
export function findExecutable(name: string): string | undefined {
  if (isAbsolute(name)) {
    try {
      accessSync(name, constants.X_OK);
      return name;
    } catch {
      return undefined;
    }
  }
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

// dpkg takes a lock: two installs at once would fail, so they queue.
let aptQueue: Promise<unknown> = Promise.resolve();

/**
 * Returns the path of `executable`, installing the Debian `packages` that provide it when it is missing.
 * Needs root (CI and these machines run as root); otherwise says which command to run.
 */
export async function ensureDebianExecutable(service: string, executable: string, packages: string[]): Promise<string> {
  const found = findExecutable(executable);
  if (found) return found;
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...packages].join(' ');
  if (process.getuid?.() !== 0) {
    throw new ServiceInstallError(service, install, `${executable} is missing and installing needs root: run 'sudo apt-get update && sudo ${install}'`);
  }
  const run = async () => {
    process.stderr.write(`[fieldmesh stack] ${executable} is missing: running 'apt-get update' and '${install}'\n`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    await runCommand('apt-get', ['update'], { service, env, echo: true });
    await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { service, env, echo: true });
  };
  const queued = aptQueue.then(run, run);
  aptQueue = queued.catch(() => undefined);
  await queued;
  const installed = findExecutable(executable);
  if (!installed) throw new ServiceInstallError(service, install, `the packages installed but ${executable} is still not on PATH or in ${SYSTEM_DIRS.join(', ')}`);
  return installed;
}
