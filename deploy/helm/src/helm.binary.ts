import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultCacheDir } from '@fieldmesh/stack';

const run = promisify(execFile);

/** Helm 4 from its Go module, the version the Go proxy serves here (never a downloaded release binary). */
export const HELM_MODULE = 'helm.sh/helm/v4';
export const HELM_VERSION = 'v4.3.2';

export class HelmUnavailable extends Error {
  constructor(reason: string, options?: ErrorOptions) {
    super(
      `Helm ${HELM_VERSION} cannot be built: ${reason}. The chart is checked with Helm built from its Go module ` +
        `('GOFLAGS=-mod=mod go install ${HELM_MODULE}/cmd/helm@${HELM_VERSION}'); install Go 1.25 or newer (Debian: apt-get install golang-go) and run again.`,
      options,
    );
    this.name = 'HelmUnavailable';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `build` while holding `<dir>.lock` (mkdir is atomic), so that parallel test runs build once and the
 * others wait for it. A lock whose holder died is taken over.
 */
async function withLock<T>(lock: string, timeoutMs: number, build: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(existsSync(join(lock, 'pid')) ? readFileSync(join(lock, 'pid'), 'utf8') : NaN);
      if (Number.isInteger(holder) && !processAlive(holder)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new HelmUnavailable(`another build has held ${lock} for ${timeoutMs / 1000} s`);
      else await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  try {
    return await build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The path of the helm binary, built once into `<cache>/tools/helm-<version>/helm` (outside the repository,
 * reused by every clone and run) with `go install`. Returns how long the build took when it ran now.
 */
export async function ensureHelm(cacheDir: string = defaultCacheDir(), timeoutMs = 20 * 60_000): Promise<{ helm: string; builtInMs?: number }> {
  const home = join(cacheDir, 'tools', `helm-${HELM_VERSION}`);
  const helm = join(home, 'helm');
  if (existsSync(helm)) return { helm };
  mkdirSync(home, { recursive: true });
  return withLock(`${home}.lock`, timeoutMs, async () => {
    if (existsSync(helm)) return { helm };
    const started = Date.now();
    const staging = join(home, `bin.partial-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    process.stderr.write(`[fieldmesh helm] building Helm ${HELM_VERSION} from its Go module into ${home} (once; a few minutes)\n`);
    try {
      await run('go', ['install', `${HELM_MODULE}/cmd/helm@${HELM_VERSION}`], {
        env: { ...process.env, GOBIN: staging, GOFLAGS: '-mod=mod' },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const output = String((error as { stderr?: string }).stderr ?? '')
        .trim()
        .split('\n')
        .slice(-20)
        .join('\n');
      throw new HelmUnavailable(code === 'ENOENT' ? 'go is not on PATH' : `go install failed:\n${output}`, { cause: error });
    }
    renameSync(join(staging, 'helm'), helm);
    rmSync(staging, { recursive: true, force: true });
    return { helm, builtInMs: Date.now() - started };
  });
}
