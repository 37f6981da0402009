import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunning, killNow, launch, processStartTime, type ProcessRef } from './process.supervisor';
import { writeState } from './stack.state';
import { watchOwner, watchRound } from './stack.watchdog';

describe('stack watchdog', () => {
  const root = mkdtempSync(join(tmpdir(), 'fieldmesh-watchdog-'));
  const started: ProcessRef[] = [];
  afterAll(() => {
    for (const ref of started) killNow(ref);
    rmSync(root, { recursive: true, force: true });
  });

  /** A stack folder whose state lists one running service (a sleeper in its own group), owned by `owner`. */
  async function stackOwnedBy(name: string, owner: ProcessRef): Promise<{ dir: string; service: ProcessRef }> {
    const dir = join(root, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const service = (await launch({ command: 'sleep', args: ['120'], cwd: dir, logFile: join(dir, 'service.log') })).ref;
    started.push(service);
    writeState({
      dir,
      cacheDir: dir,
      createdAt: new Date().toISOString(),
      owner,
      services: [{ name: 'mosquitto', ports: {}, secrets: {}, logFile: join(dir, 'service.log'), process: service }],
    });
    return { dir, service };
  }

  /** An owner process that only waits, to be killed with SIGKILL as a test runner can be. */
  async function ownerProcess(): Promise<{ ref: ProcessRef; kill: () => void }> {
    const child = spawn('sleep', ['120'], { stdio: 'ignore' });
    const pid = await new Promise<number>((resolve) => child.once('spawn', () => resolve(child.pid!)));
    return { ref: { pid, startTime: processStartTime(pid)! }, kill: () => child.kill('SIGKILL') };
  }

  it('kills the services of a stack whose owner died of SIGKILL', async () => {
    const owner = await ownerProcess();
    const { dir, service } = await stackOwnedBy('killed-owner', owner.ref);
    watchOwner(dir, owner.ref);
    await sleep(1_500);
    expect(isRunning(service)).toBe(true);
    owner.kill();
    const deadline = Date.now() + 20_000;
    while (isRunning(service) && Date.now() < deadline) await sleep(100);
    expect(isRunning(service)).toBe(false);
  });

  it('watches while the owner runs, and stops watching a stack that is gone or owned by another process', async () => {
    const owner = await ownerProcess();
    const { dir, service } = await stackOwnedBy('kept', owner.ref);
    expect(watchRound(dir, owner.ref)).toBe(true);
    expect(watchRound(dir, { pid: owner.ref.pid, startTime: 'another' })).toBe(false);
    expect(isRunning(service)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
    expect(watchRound(dir, owner.ref)).toBe(false);
    owner.kill();
  });
});
