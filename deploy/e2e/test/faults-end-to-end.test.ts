import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachStack } from '@fieldmesh/testing';
import { describe, expect, inject, it } from 'vitest';
import { runFaultsEndToEnd } from '../src/index';

describe('faults end to end', () => {
  it('kill -9 of Kafka, ClickHouse, the registry, Mosquitto, the gateway (×2) and the sink (×3) during a run: every published reading is in ClickHouse exactly once, in order per source', async () => {
    const report = await runFaultsEndToEnd({
      stack: attachStack(inject('stackDir')),
      workDir: await mkdtemp(join(tmpdir(), 'fm-faults-')),
      plantSeconds: 75,
      serviceRounds: 1,
      serviceDownMs: 3_000,
      gatewayKills: 2,
      sinkKills: 3,
      log: (line) => console.error(`[faults] ${line}`),
    });
    console.error(`[faults] ${JSON.stringify(report, null, 2)}`);
    const { kafka, warehouse } = report.reconciliation;

    expect(report.faults).toMatchObject({ serviceKills: { kafka: 1, clickhouse: 1, registry: 1, mosquitto: 1 }, gatewayKills: 2, sinkKills: 3, gatewayCrashes: [] });
    expect(report.reconciliation.published).toBeGreaterThan(1_000);
    expect({ lost: kafka.lostReadings, unexpected: kafka.unexpectedReadings, unidentifiable: kafka.unidentifiableDuplicates, disorder: kafka.orderViolations }).toEqual({
      lost: 0,
      unexpected: 0,
      unidentifiable: [],
      disorder: [],
    });
    expect(warehouse).toMatchObject({ missingRows: 0, duplicateRows: 0, strayRows: 0, lostReadings: 0, duplicateReadingRows: 0 });
    expect(report.drainMs).not.toBeNull();
  }, 300_000);
});
