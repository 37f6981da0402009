import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunning, launch, processStartTime, stopProcess } from './process.supervisor';

describe('process supervisor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-supervisor-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appends output to the log and stops the process and its children with SIGTERM', async () => {
    const logFile = join(dir, 'polite.log');
    const launched = await launch({ command: 'sh', args: ['-c', 'sleep 60 & echo "child $!"; wait'], cwd: dir, logFile });
    let child: RegExpExecArray | null = null;
    while (!(child = /child (\d+)/.exec(readFileSync(logFile, 'utf8')))) await sleep(20);
    const childPid = Number(child[1]);
    expect(processStartTime(childPid)).toBeDefined();
    await stopProcess(launched.ref, 5_000);
    expect(isRunning(launched.ref)).toBe(false);
    while (processStartTime(childPid) !== undefined) await sleep(20); // reaped by init shortly after
  });

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const logFile = join(dir, 'stubborn.log');
    const launched = await launch({ command: 'sh', args: ['-c', 'trap "" TERM; echo trapped; while true; do sleep 1; done'], cwd: dir, logFile });
    while (!readFileSync(logFile, 'utf8').includes('trapped')) await sleep(20);
    const started = Date.now();
    await stopProcess(launched.ref, 500);
    expect(isRunning(launched.ref)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect((await launched.exited).signal).toBe('SIGKILL');
  });

  it('never mistakes a reused pid for our process', () => {
    expect(isRunning({ pid: process.pid, startTime: 'not-the-start-time' })).toBe(false);
    expect(isRunning({ pid: process.pid, startTime: processStartTime(process.pid) ?? '' })).toBe(true);
  });
});
