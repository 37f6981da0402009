import { describe, expect, it } from 'vitest';
import type { GatewayCounts } from '../gateway';
import { healthGatesSchema } from './desired-state.config';
import { failedGates, measureResources } from './health.gates';

const gates = healthGatesSchema.parse({ windowSeconds: 10, minReadings: 5, maxDeadLetterRatio: 0.1, maxPendingRecords: 100, maxCpuShare: 0.5, maxMemoryMiB: 512 });
const idle = { cpuShare: 0.1, rssBytes: 200 * 1024 ** 2 };
const counts = (overrides: Partial<GatewayCounts>): GatewayCounts => ({
  received: 50,
  accepted: 50,
  duplicates: 0,
  deadLettered: 0,
  forwarded: 50,
  pending: 0,
  dropped: 0,
  ...overrides,
});

describe('health gates of a new desired state', () => {
  it('pass when readings flow, few go to the DLQ, the buffer drains and every connector is connected', () => {
    expect(failedGates(gates, counts({ deadLettered: 5, accepted: 45 }), { mqtt: true, plc: true }, idle)).toEqual([]);
  });

  it('name every gate that failed, with the figures', () => {
    expect(
      failedGates(gates, counts({ received: 10, accepted: 4, deadLettered: 6, pending: 101 }), { mqtt: true, plc: false }, { cpuShare: 0.75, rssBytes: 600 * 1024 ** 2 }),
    ).toEqual([
      'readings: 4 accepted in 10 s, at least 5 required',
      'dead letters: 6 of 10 messages (60.0 %), at most 10.0 % allowed',
      'buffer: 101 records waiting for Kafka, at most 100 allowed',
      'connectors not connected: plc',
      'cpu: 75 % of a core over the window, at most 50 % allowed',
      'memory: 600 MiB resident, at most 512 MiB allowed',
    ]);
  });

  it('leave out the gates an operator turned off', () => {
    const lenient = healthGatesSchema.parse({ minReadings: 0, requireConnected: false });
    expect(failedGates(lenient, counts({ received: 0, accepted: 0 }), { plc: false }, { cpuShare: 4, rssBytes: 64 * 1024 ** 3 })).toEqual([]);
  });

  it("measure the process's CPU time over the window as a share of one core, and its resident memory", () => {
    let now = 0;
    const used = measureResources(() => now);
    // Spin until the process has used 50 ms of CPU (however long that takes on a loaded machine), over a window of 100 ms.
    const start = process.cpuUsage();
    for (let spent = 0; spent < 50_000; spent = process.cpuUsage(start).user + process.cpuUsage(start).system);
    now = 100;
    const resources = used();
    expect(resources.cpuShare).toBeGreaterThanOrEqual(0.5);
    expect(resources.rssBytes).toBeGreaterThan(1024 ** 2);
  });
});
