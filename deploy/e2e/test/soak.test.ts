import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachStack } from '@fieldmesh/testing';
import { describe, expect, inject, it } from 'vitest';
import { formatSoakReport, runSoak, soakProblems } from '../src/index';

describe('soak', () => {
  it('the main job keeps every message accounted for through kill -9 of Kafka, ClickHouse, the registry and Mosquitto, and no process’s memory runs away', async () => {
    // The short version: 150 s of plant at 10x, the four kills in the first half, memory fitted over the
    // second. `npm run test:long:soak` runs it for an hour with a fault every 5 minutes.
    const report = await runSoak({
      stack: attachStack(inject('stackDir')),
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
