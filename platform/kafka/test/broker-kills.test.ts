import { join } from 'node:path';
import { TEST_STACKS_DIR, startStack, type Stack } from '@fieldmesh/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport, runBrokerKills } from './broker-kills.scenario';

// Its own stack of three brokers (the run's shared stack has one): started here, stopped after.
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    dir: join(TEST_STACKS_DIR, `broker-kills-${process.pid}`),
    services: ['kafka'],
    kafka: { brokers: 3 },
    log: (line) => console.log(`[broker-kills stack] ${line}`),
  });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a 3-broker cluster whose partition leaders are killed (kill -9) and restarted during production', () => {
  it('keeps every acknowledged record of an acks=all idempotent producer, once, in key order (100,000 records, 3 kills)', async () => {
    const report = await runBrokerKills({ stack, records: 100_000, kills: 3, log: (line) => console.log(`[broker-kills] ${line}`) });
    console.log(formatReport(report));
    expect(report.kills).toHaveLength(3);
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.acknowledged + report.unacknowledged).toBe(100_000);
    expect({ missing: report.missing, duplicates: report.duplicates, outOfOrder: report.outOfOrder, foreign: report.foreign }).toEqual({
      missing: 0,
      duplicates: 0,
      outOfOrder: 0,
      foreign: 0,
    });
  }, 300_000);
});
