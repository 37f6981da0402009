import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunning, launch, processStartTime, stopProcess, type ProcessRef } from './process.supervisor';

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

  it('kills what a process started when a signal ends it, and leaves it to a process that handles the signal itself until it exits', async () => {
    // A Node process that launches a sleeper tied to its lifetime, with or without a SIGTERM handler of its own.
    const supervisor = new URL('./process.supervisor.ts', import.meta.url).pathname;
    const run = async (ownHandler: boolean) => {
      const logFile = join(dir, `tied-${ownHandler}.log`);
      const script = [
        `import { killNow, killWithThisProcess, launch } from ${JSON.stringify(supervisor)};`,
        `const launched = await launch({ command: 'sleep', args: ['60'], cwd: ${JSON.stringify(dir)}, logFile: ${JSON.stringify(logFile)} });`,
        'killWithThisProcess(() => killNow(launched.ref));',
        ownHandler ? "process.on('SIGTERM', () => { console.log('graceful'); setTimeout(() => process.exit(0), 300); });" : '',
        'console.log(JSON.stringify(launched.ref));',
        'setInterval(() => undefined, 1000);',
      ].join('\n');
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      while (!out.includes('}')) await sleep(20);
      const ref = JSON.parse(out.split('\n')[0]!) as ProcessRef;
      expect(isRunning(ref)).toBe(true);
      child.kill('SIGTERM');
      if (ownHandler) {
        while (!out.includes('graceful')) await sleep(20);
        // The process's own stop runs first: what it started still runs until it exits.
        expect(isRunning(ref)).toBe(true);
      }
      await new Promise((resolve) => child.once('exit', resolve));
      while (isRunning(ref)) await sleep(20);
    };
    await run(false);
    await run(true);
  }, 30_000);

  it('never mistakes a reused pid for our process', () => {
    expect(isRunning({ pid: process.pid, startTime: 'not-the-start-time' })).toBe(false);
    expect(isRunning({ pid: process.pid, startTime: processStartTime(process.pid) ?? '' })).toBe(true);
  });
});
