import { describe, expect, it } from 'vitest';
import type { GatewayCounts } from '../gateway';
import { healthGatesSchema } from './desired-state.config';
import { failedGates } from './health.gates';

const gates = healthGatesSchema.parse({ windowSeconds: 10, minReadings: 5, maxDeadLetterRatio: 0.1, maxPendingRecords: 100 });
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
    expect(failedGates(gates, counts({ deadLettered: 5, accepted: 45 }), { mqtt: true, plc: true })).toEqual([]);
  });

  it('name every gate that failed, with the figures', () => {
    expect(failedGates(gates, counts({ received: 10, accepted: 4, deadLettered: 6, pending: 101 }), { mqtt: true, plc: false })).toEqual([
      'readings: 4 accepted in 10 s, at least 5 required',
      'dead letters: 6 of 10 messages (60.0 %), at most 10.0 % allowed',
      'buffer: 101 records waiting for Kafka, at most 100 allowed',
      'connectors not connected: plc',
    ]);
  });

  it('leave out the gates an operator turned off', () => {
    const lenient = healthGatesSchema.parse({ minReadings: 0, requireConnected: false });
    expect(failedGates(lenient, counts({ received: 0, accepted: 0 }), { plc: false })).toEqual([]);
  });
});
