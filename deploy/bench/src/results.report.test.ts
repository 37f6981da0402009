import { describe, expect, it } from 'vitest';
import type { BenchResults, SaturationRun } from './bench.runner';
import { formatResults } from './results.report';
import { summarise } from './statistics';

function saturation(protocol: SaturationRun['protocol'], system: SaturationRun['system'], kafkaOutPerSecond: number): SaturationRun {
  return {
    protocol,
    system,
    load: { points: 1, seconds: 1, achievedPointsPerSecond: 50_000, targetPointsPerSecond: 60_000 },
    windowSeconds: 19,
    stages: [
      { counter: system === 'gateway' ? 'gateway in (decode, validate, Avro, buffer)' : 'bare bridge in (mqtt.js)', unit: 'points', perSecond: kafkaOutPerSecond, count: 1 },
    ],
    kafkaOutPerSecond,
    ...(system === 'gateway' ? { clickhouseRowsPerSecond: kafkaOutPerSecond } : {}),
    loadAverage1m: 2.5,
    drain: { seconds: 0, caughtUp: true, pointsNotForwarded: 0 },
  };
}

const latency = summarise([100, 200, 1200]);
const results: BenchResults = {
  command: 'npm run bench',
  startedAt: '2026-01-01T00:00:00.000Z',
  machine: { cpus: 2, cpuModel: 'AMD EPYC', memoryGiB: 24, node: 'v24.21.0', loadAverage1m: 1 },
  options: {
    saturationSeconds: 20,
    bridgeSeconds: 15,
    drainSeconds: 15,
    jsonTargetRate: 60_000,
    sparkplugTargetRate: 400_000,
    latencyRate: 2000,
    latencySeconds: 30,
    consumeSeconds: 10,
    profile: false,
  },
  saturation: [
    saturation('json', 'gateway', 45_000),
    saturation('json', 'bare bridge', 60_000),
    saturation('sparkplug', 'gateway', 100_000),
    saturation('sparkplug', 'bare bridge', 400_000),
  ],
  latency: {
    pointsPerSecond: 2000,
    seconds: 30,
    load: { points: 3, seconds: 30, achievedPointsPerSecond: 2000 },
    warmupExcluded: 0,
    loadAverage1m: 1,
    total: latency,
    toGateway: latency,
    toKafka: latency,
    toConsumer: latency,
  },
  kafkaConsume: { records: 10, seconds: 1, recordsPerSecond: 10 },
  profiles: [],
  notMeasured: [],
  seconds: 200,
};

describe('formatResults', () => {
  const text = formatResults(results);

  it('prints the core count and CPU model', () => {
    expect(text).toContain('2 cores (os.cpus().length), AMD EPYC');
  });

  it('judges each end-to-end figure against its target', () => {
    expect(text).toMatch(/≥ 40,000 met\s+250,000 missed \(40%\)/);
    expect(text).toContain('p99 target ≤ 1,000 ms missed');
  });

  it('states the gateway as a share of the bare bridge of the same run', () => {
    expect(text).toMatch(/gateway as % of the bare bridge\s+75%\s+25%/);
  });
});
