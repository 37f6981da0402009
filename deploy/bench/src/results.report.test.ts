import { describe, expect, it } from 'vitest';
import type { BenchResults, LatencyRun, SaturationRun } from './bench.runner';
import { renderResultsChart } from './results.chart';
import { formatCostOfSecurity, formatResults, securityRatio } from './results.report';
import { summarise } from './statistics';

function saturation(
  protocol: SaturationRun['protocol'],
  system: SaturationRun['system'],
  kafkaOutPerSecond: number,
  security: SaturationRun['security'] = 'secure',
  cpuMicros = 50,
): SaturationRun {
  return {
    protocol,
    system,
    security,
    load: { points: 1, seconds: 1, achievedPointsPerSecond: 50_000, targetPointsPerSecond: 60_000 },
    windowSeconds: 19,
    stages: [
      { counter: system === 'gateway' ? 'gateway in (decode, validate, Avro, buffer)' : 'bare bridge in (mqtt.js)', unit: 'points', perSecond: kafkaOutPerSecond, count: 1 },
    ],
    kafkaOutPerSecond,
    ...(system === 'gateway' ? { clickhouseRowsPerSecond: kafkaOutPerSecond } : {}),
    loadAverage1m: 2.5,
    cpu: { machine: cpuMicros, processes: { gateway: cpuMicros / 2, mosquitto: 4, kafka: 6, 'load generator': undefined }, machineBusyPercent: 95 },
    drain: { seconds: 0, caughtUp: true, pointsNotForwarded: 0 },
  };
}

const latencyRun = (protocol: LatencyRun['protocol'], security: LatencyRun['security'], samples: number[], cpuMicros = 50): LatencyRun => {
  const summary = summarise(samples);
  return {
    protocol,
    security,
    cpu: { machine: cpuMicros, processes: { gateway: cpuMicros / 2, mosquitto: 4, kafka: 6, 'load generator': undefined }, machineBusyPercent: 40 },
    pointsPerSecond: 2000,
    seconds: 30,
    load: { points: 3, seconds: 30, achievedPointsPerSecond: 2000 },
    warmupExcluded: 0,
    loadAverage1m: 1,
    total: summary,
    toGateway: summary,
    toKafka: summary,
    toConsumer: summary,
  };
};
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
    security: 'secure',
    profile: false,
    publish: false,
  },
  saturation: [
    saturation('json', 'gateway', 45_000),
    saturation('json', 'bare bridge', 60_000),
    saturation('sparkplug', 'gateway', 100_000),
    saturation('sparkplug', 'bare bridge', 400_000),
  ],
  latency: [latencyRun('json', 'secure', [100, 200, 1200])],
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

  it("states the gateway process's CPU time per point Kafka acknowledged, and no figure when too few points were", () => {
    expect(text).toMatch(/gateway CPU per point acknowledged \(µs\)\s+25\.0\s+25\.0/);
    const stalled = { ...results, saturation: [saturation('json', 'gateway', 50), saturation('sparkplug', 'gateway', 100_000)] };
    expect(formatResults(stalled)).toMatch(/gateway CPU per point acknowledged \(µs\)\s+-\s+25\.0/);
  });
});

describe('the results chart', () => {
  const svg = renderResultsChart(results);

  it('draws each saturation run with its figures, and the targets', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('45,000 points/s, 25.0 µs CPU/point');
    expect(svg).toContain('400,000 points/s');
    expect(svg).toContain('target 250,000');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('scales bars by the logarithm of points/s, so the slow gateway runs stay visible beside the targets', () => {
    const widths = [...svg.matchAll(/<rect x="250" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    // json gateway 45k, json bridge 60k, sparkplug gateway 100k, sparkplug bridge 400k (the largest: full width).
    expect(widths).toHaveLength(4);
    expect(widths[3]).toBeCloseTo(520, 0);
    expect(widths[0]! / widths[3]!).toBeCloseTo(Math.log10(45_000) / Math.log10(400_000), 3);
  });
});

describe('the cost of security', () => {
  const both: BenchResults = {
    ...results,
    options: { ...results.options, security: 'both' },
    saturation: [
      saturation('json', 'gateway', 30_000, 'secure', 80),
      saturation('json', 'gateway', 40_000, 'plain', 50),
      saturation('json', 'bare bridge', 60_000, 'secure'),
      saturation('sparkplug', 'gateway', 90_000, 'plain', 10),
      saturation('sparkplug', 'gateway', 81_000, 'secure', 12),
      saturation('sparkplug', 'bare bridge', 400_000, 'secure'),
    ],
    latency: [
      latencyRun('json', 'secure', [30, 60, 90], 80),
      latencyRun('json', 'plain', [20, 40, 60], 50),
      latencyRun('sparkplug', 'plain', [20, 40, 60], 10),
      latencyRun('sparkplug', 'secure', [20, 40, 60], 12),
    ],
  };
  const text = formatResults(both);

  it('divides secure by plain, and says nothing when there is no plain figure', () => {
    expect(securityRatio(30_000, 40_000)).toBe('0.75×');
    expect(securityRatio(12, 10)).toBe('1.20×');
    expect(securityRatio(5, 0)).toBe('-');
    expect(securityRatio(5, undefined)).toBe('-');
  });

  it('puts throughput at saturation, and CPU per point and latency at a fixed rate, of both sides of each path side by side with the ratio', () => {
    expect(text).toMatch(/at saturation: MQTT → Kafka, acknowledged \(points\/s\)\s+30,000\s+40,000\s+0\.75×\s+81,000\s+90,000\s+0\.90×/);
    expect(text).toMatch(/at 2,000 points\/s: CPU per point, processes on the path \(µs\)\s+50\.0\s+35\.0\s+1\.43×\s+16\.0\s+15\.0\s+1\.07×/);
    expect(text).toMatch(/whole machine, others' work included\s+80\.0\s+50\.0\s+1\.60×\s+12\.0\s+10\.0\s+1\.20×/);
    expect(text).toMatch(/ {2}gateway \(bench process\)\s+40\.0\s+25\.0\s+1\.60×/);
    expect(text).toMatch(/ {2}load generator \(the devices\)\s+-\s+-\s+-/);
    expect(text).toMatch(/ {2}latency p50 \(ms\)\s+60\s+40\s+1\.50×\s+40\s+40\s+1\.00×/);
    expect(text).toContain('secure: MQTT mTLS + Kafka SASL_SSL');
  });

  it('keeps the main table on the secure side, where the bare bridge ran, and prints a latency table per side', () => {
    expect(text).toContain('points/s at saturation, MQTT mTLS + Kafka SASL_SSL');
    expect(text).toMatch(/gateway as % of the bare bridge\s+50%\s+20%/);
    expect(text).toContain('latency, MQTT JSON at 2,000 points/s for 30 s, MQTT mTLS + Kafka SASL_SSL (ms)');
    expect(text).toContain('latency, Sparkplug B at 2,000 points/s for 30 s, MQTT + Kafka PLAINTEXT (ms)');
  });

  it('is left out when only one side ran', () => {
    expect(formatCostOfSecurity(results)).toBeUndefined();
    expect(formatResults(results)).not.toContain('cost of security');
  });
});
