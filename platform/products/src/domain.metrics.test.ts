import type { StreamJobStats } from '@fieldmesh/streams';
import { describe, expect, it } from 'vitest';
import type { RunningDomain, StatsMetrics } from './domain.declaration';
import { DomainMetrics } from './domain.metrics';
import { StatNotACount } from './errors';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a text exposition, and its `# TYPE` lines by metric name. */
function parse(text: string): { samples: Sample[]; types: Record<string, string> } {
  const samples: Sample[] = [];
  const types: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types[type[1]!] = type[2]!;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) continue;
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

function valueOf(text: string, name: string, labels: Record<string, string>): number | undefined {
  const found = parse(text).samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  expect(found.length, `${name} ${JSON.stringify(labels)} in\n${text}`).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

const job = (recordsIn: number, overrides: Partial<StreamJobStats> = {}): StreamJobStats => ({
  batches: 2,
  recordsIn,
  recordsOut: recordsIn - 4,
  deadLettered: { deserialize: 1, process: 3 },
  replays: 0,
  recordsOwingNoOutput: 0,
  ...overrides,
});

/** A running domain as DomainMetrics reads it: its name, jobs, stats() and the products' metrics declarations. */
function runningDomain(name: string, products: Record<string, { job: StreamJobStats; pipeline: object; metrics?: StatsMetrics }>): RunningDomain {
  return {
    name,
    jobs: Object.keys(products).map((product) => ({ domain: name, product, job: `${name}-${product}` })),
    api: undefined,
    stats: () => Object.fromEntries(Object.entries(products).map(([product, { job, pipeline }]) => [product, { job, pipeline }])),
    statsMetrics: Object.fromEntries(Object.entries(products).map(([product, { metrics }]) => [product, metrics ?? {}])),
    close: async () => undefined,
  } as unknown as RunningDomain;
}

const cleanStats = {
  clean: 90,
  duplicates: 3,
  beyondDedupeHorizon: 1,
  converted: 5,
  outOfOrder: 0,
  late: 2,
  beyondClockSkew: 0,
  rejected: 4,
  replayed: 0,
  dedupeMemory: { gateways: 2, chunks: 7 },
};

describe('domain metrics', () => {
  it("exports each product job's stream counters, labelled by domain and product, dead letters by stage", async () => {
    const metrics = new DomainMetrics([runningDomain('plant-telemetry', { clean: { job: job(100), pipeline: cleanStats, metrics: { gauges: ['dedupeMemory'] } } })]);
    const text = await metrics.metrics();
    const clean = { domain: 'plant-telemetry', product: 'clean' };
    expect(valueOf(text, 'fieldmesh_stream_records_in_total', clean)).toBe(100);
    expect(valueOf(text, 'fieldmesh_stream_records_out_total', clean)).toBe(96);
    expect(valueOf(text, 'fieldmesh_stream_dead_letters_total', { ...clean, stage: 'deserialize' })).toBe(1);
    expect(valueOf(text, 'fieldmesh_stream_dead_letters_total', { ...clean, stage: 'process' })).toBe(3);
    expect(valueOf(text, 'fieldmesh_stream_replays_total', clean)).toBe(0);
    expect(valueOf(text, 'fieldmesh_stream_batches_total', clean)).toBe(2);
    expect(parse(text).types['fieldmesh_stream_records_in_total']).toBe('counter');
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('exports records that broke their contracts: dead letters by validate stage, and each rule and field broken', async () => {
    const stats = job(10, {
      deadLettered: { deserialize: 0, process: 0, validateInput: 1, validateOutput: 2 },
      ruleViolations: [
        { side: 'output', topic: 'energy.consumption-15m.v1', contract: 'energy.consumption-15m', rule: 'energy-non-negative', field: 'energyKwh', count: 2 },
        { side: 'input', topic: 'plant.telemetry.clean.v1', contract: 'plant-telemetry.clean', rule: 'power-plausible', field: 'value', count: 1 },
      ],
    });
    const text = await new DomainMetrics([runningDomain('energy', { 'consumption-15m': { job: stats, pipeline: {} } })]).metrics();
    const product = { domain: 'energy', product: 'consumption-15m' };
    expect(valueOf(text, 'fieldmesh_stream_dead_letters_total', { ...product, stage: 'validate-input' })).toBe(1);
    expect(valueOf(text, 'fieldmesh_stream_dead_letters_total', { ...product, stage: 'validate-output' })).toBe(2);
    expect(
      valueOf(text, 'fieldmesh_stream_rule_violations_total', { ...product, side: 'output', topic: 'energy.consumption-15m.v1', rule: 'energy-non-negative', field: 'energyKwh' }),
    ).toBe(2);
    expect(valueOf(text, 'fieldmesh_stream_rule_violations_total', { ...product, side: 'input', rule: 'power-plausible', field: 'value' })).toBe(1);
    expect(parse(text).types['fieldmesh_stream_rule_violations_total']).toBe('counter');
  });

  it("exports the process's resident memory, heap and external memory, as prom-client names them", async () => {
    const { samples } = parse(await new DomainMetrics([]).metrics());
    const value = (name: string) => samples.find((sample) => sample.name === name)?.value;
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
    expect(value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(value('nodejs_external_memory_bytes')).toBeGreaterThan(0);
  });

  it("exports the pipeline's own counts as fieldmesh_product_<snake_case>_total and its declared levels as gauges", async () => {
    const text = await new DomainMetrics([runningDomain('plant-telemetry', { clean: { job: job(100), pipeline: cleanStats, metrics: { gauges: ['dedupeMemory'] } } })]).metrics();
    const clean = { domain: 'plant-telemetry', product: 'clean' };
    expect(valueOf(text, 'fieldmesh_product_duplicates_total', clean)).toBe(3);
    expect(valueOf(text, 'fieldmesh_product_beyond_dedupe_horizon_total', clean)).toBe(1);
    expect(valueOf(text, 'fieldmesh_product_clean_total', clean)).toBe(90);
    expect(valueOf(text, 'fieldmesh_product_dedupe_memory_gateways', clean)).toBe(2);
    expect(valueOf(text, 'fieldmesh_product_dedupe_memory_chunks', clean)).toBe(7);
    const { types } = parse(text);
    expect(types['fieldmesh_product_duplicates_total']).toBe('counter');
    expect(types['fieldmesh_product_dedupe_memory_chunks']).toBe('gauge');
    expect(valueOf(text, 'fieldmesh_product_dedupe_memory_chunks_total', clean)).toBeUndefined();
  });

  it('reads the stats at each scrape: a metric is what the job counted, never added up twice', async () => {
    const stats = { ...cleanStats };
    const jobStats = job(100);
    const metrics = new DomainMetrics([runningDomain('plant-telemetry', { clean: { job: jobStats, pipeline: stats } })]);
    const clean = { domain: 'plant-telemetry', product: 'clean' };
    expect(valueOf(await metrics.metrics(), 'fieldmesh_product_duplicates_total', clean)).toBe(3);
    stats.duplicates = 5;
    jobStats.recordsIn = 130;
    const text = await metrics.metrics();
    expect(valueOf(text, 'fieldmesh_product_duplicates_total', clean)).toBe(5);
    expect(valueOf(text, 'fieldmesh_stream_records_in_total', clean)).toBe(130);
    expect(valueOf(await metrics.metrics(), 'fieldmesh_stream_records_in_total', clean)).toBe(130);
  });

  it('labels every product of every domain, sharing a metric name where products count the same thing', async () => {
    const text = await new DomainMetrics([
      runningDomain('plant-telemetry', { clean: { job: job(100), pipeline: cleanStats } }),
      runningDomain('energy', { 'consumption-15m': { job: job(40), pipeline: { late: 6, openWindows: 3 }, metrics: { gauges: ['openWindows'] } } }),
    ]).metrics();
    expect(valueOf(text, 'fieldmesh_product_late_total', { domain: 'plant-telemetry', product: 'clean' })).toBe(2);
    expect(valueOf(text, 'fieldmesh_product_late_total', { domain: 'energy', product: 'consumption-15m' })).toBe(6);
    expect(valueOf(text, 'fieldmesh_stream_records_in_total', { domain: 'energy', product: 'consumption-15m' })).toBe(40);
    expect(valueOf(text, 'fieldmesh_product_open_windows', { domain: 'energy', product: 'consumption-15m' })).toBe(3);
  });

  it('exports an instant in epoch milliseconds as a timestamp in seconds, once it has one', async () => {
    const stats = { watermark: Number.NEGATIVE_INFINITY };
    const metrics = new DomainMetrics([runningDomain('energy', { 'consumption-15m': { job: job(40), pipeline: stats, metrics: { timestamps: ['watermark'] } } })]);
    const energy = { domain: 'energy', product: 'consumption-15m' };
    expect(valueOf(await metrics.metrics(), 'fieldmesh_product_watermark_timestamp_seconds', energy)).toBeUndefined();
    stats.watermark = 1_780_000_000_500;
    expect(valueOf(await metrics.metrics(), 'fieldmesh_product_watermark_timestamp_seconds', energy)).toBe(1_780_000_000.5);
  });

  it("turns the keys of a labelled object into a label's values, skips lists, and exports a key that appears later", async () => {
    const operator = {
      windows: 12,
      noModel: { conveyor: 2 } as Record<string, number>,
      byModel: { 'asset-health-pump@2': { rows: 10, scored: 9 } } as Record<string, { rows: number; scored: number }>,
      shadow: [{ agreement: 0.9 }],
    };
    const metrics = new DomainMetrics([
      runningDomain('asset-health', {
        'anomaly-operator': {
          job: job(12),
          pipeline: { scores: 20, operator },
          metrics: { labels: { 'operator.noModel': 'asset_class', 'operator.byModel': 'model' } },
        },
      }),
    ]);
    const scores = { domain: 'asset-health', product: 'anomaly-operator' };
    let text = await metrics.metrics();
    expect(valueOf(text, 'fieldmesh_product_operator_no_model_total', { ...scores, asset_class: 'conveyor' })).toBe(2);
    expect(valueOf(text, 'fieldmesh_product_operator_by_model_scored_total', { ...scores, model: 'asset-health-pump@2' })).toBe(9);
    expect(text).not.toContain('shadow');
    operator.byModel['asset-health-motor@1'] = { rows: 4, scored: 4 };
    operator.noModel.press = 1;
    text = await metrics.metrics();
    expect(valueOf(text, 'fieldmesh_product_operator_by_model_rows_total', { ...scores, model: 'asset-health-motor@1' })).toBe(4);
    expect(valueOf(text, 'fieldmesh_product_operator_no_model_total', { ...scores, asset_class: 'press' })).toBe(1);
  });

  it('refuses to export as a count a stat that went below zero, naming it and the declaration that fixes it', async () => {
    const metrics = new DomainMetrics([runningDomain('energy', { 'consumption-15m': { job: job(40), pipeline: { watermark: -1 } } })]);
    const error = await metrics.metrics().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StatNotACount);
    expect((error as Error).message).toContain('The stat watermark of energy consumption-15m is -1');
    expect((error as Error).message).toContain('metrics.gauges or metrics.timestamps');
  });
});
