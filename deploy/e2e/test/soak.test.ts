import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '@fieldmesh/stack';
import { describe, expect, it, onTestFinished } from 'vitest';
import { formatSoakReport, runSoak, soakProblems } from '../src/index';

describe('soak', () => {
  it('the main job keeps every message accounted for through kill -9 of Kafka, ClickHouse, the registry and Mosquitto, and no process’s memory runs away', async () => {
    // The short version: 150 s of plant at 10x, the four kills in the first half, memory fitted over the
    // second. `npm run test:long:soak` runs it for an hour with a fault every 5 minutes.
    // A stack of its own, as `npm run test:long:soak` uses: the main job then starts on empty topics, as a
    // new user's does, rather than catching up on every earlier test's records in the shared groups.
    const stackDir = await mkdtemp(join(tmpdir(), 'fm-soak-stack-'));
    const stack = await startStack({ dir: stackDir, lifetime: 'session', log: (line) => console.error(`[soak] ${line}`) });
    onTestFinished(async () => {
      await stack.stop();
      await rm(stackDir, { recursive: true, force: true });
    });
    const report = await runSoak({
      stack,
      workDir: await mkdtemp(join(tmpdir(), 'fm-soak-')),
      durationSeconds: 150,
      firstFaultAfterSeconds: 10,
      faultEverySeconds: 15,
      faults: 4,
      serviceDownMs: 3_000,
      sampleEveryMs: 2_000,
      restartWarmupSeconds: 10,
      log: (line) => console.error(`[soak] ${line}`),
    });
    console.error(formatSoakReport(report));

    expect(report.faults.map((fault) => fault.service).sort()).toEqual(['clickhouse', 'kafka', 'mosquitto', 'registry']);
    expect(report.memory.map((memory) => memory.name).sort()).toEqual(['clickhouse', 'kafka', 'main job', 'mosquitto', 'registry']);
    expect(soakProblems(report)).toEqual([]);
  }, 600_000);
});
