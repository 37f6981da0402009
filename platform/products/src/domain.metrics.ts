import { type MetricsSource, type ObservabilityServer, startObservabilityServer } from '@fieldmesh/observability';
import type { StreamJobStats } from '@fieldmesh/streams';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { RunningDomain, StatsMetrics } from './domain.declaration';
import { StatNotACount } from './errors';

type Labels = Record<string, string>;

/** The stream runtime's counters of every product's job, labelled `domain` and `product`. */
const JOB_COUNTERS: Array<{ name: string; help: string; labelNames?: string[]; read(job: StreamJobStats): Array<[Labels, number]> }> = [
  {
    name: 'fieldmesh_stream_records_in_total',
    help: "Input records of the batches the product's job completed (a batch replayed after a failure or restart counts again)",
    read: (job) => [[{}, job.recordsIn]],
  },
  {
    name: 'fieldmesh_stream_records_out_total',
    help: "Records the product's job wrote to its output topics, acknowledged by Kafka",
    read: (job) => [[{}, job.recordsOut]],
  },
  {
    name: 'fieldmesh_stream_dead_letters_total',
    help:
      "Records the product's job sent to a DLQ: stage deserialize (bytes that do not decode), process (the pipeline rejected them), validate-input (they broke the input contract's rules), " +
      "all three on the input's DLQ; validate-output (outputs that broke their contract's rules, on the output's DLQ instead of the output)",
    labelNames: ['stage'],
    read: (job) => [
      [{ stage: 'deserialize' }, job.deadLettered.deserialize],
      [{ stage: 'process' }, job.deadLettered.process],
      [{ stage: 'validate-input' }, job.deadLettered.validateInput ?? 0],
      [{ stage: 'validate-output' }, job.deadLettered.validateOutput ?? 0],
    ],
  },
  {
    name: 'fieldmesh_stream_rule_violations_total',
    help: "Records that broke a quality rule of their contract, per rule and field: side input (read by the product's job) or output (computed by it); a record breaking two rules counts for each",
    labelNames: ['side', 'topic', 'rule', 'field'],
    read: (job) => (job.ruleViolations ?? []).map(({ side, topic, rule, field, count }) => [{ side, topic, rule, field }, count]),
  },
  {
    name: 'fieldmesh_stream_replays_total',
    help: "Times the product's job went back to its committed offsets after a failed batch (decode, produce or commit) or a redelivery",
    read: (job) => [[{}, job.replays]],
  },
  { name: 'fieldmesh_stream_batches_total', help: "Batches the product's job completed", read: (job) => [[{}, job.batches]] },
];

/** One number of a product's pipeline stats, as the sample of a metric. */
interface StatSample {
  name: string;
  kind: 'counter' | 'gauge';
  help: string;
  /** Where the number is in stats(), dotted, without the keys that became labels. */
  path: string;
  labels: Labels;
  value: number;
}

/**
 * A running domain's counters as Prometheus metrics, read from `stats()` at each scrape, so a metric is
 * always what the job counted (never counted twice, nothing to keep in step):
 * - per product job, the stream runtime's `fieldmesh_stream_records_in_total`, `_records_out_total`,
 *   `_dead_letters_total{stage}`, `_rule_violations_total{side,topic,rule,field}`, `_replays_total` and
 *   `_batches_total`;
 * - each number of the pipeline's own stats, nested objects joined with `_` and in snake case:
 *   `fieldmesh_product_<path>_total` (a count since the job started), or a gauge as the product's
 *   declaration says (see StatsMetrics). Lists are not exported.
 * Every metric is labelled `domain` and `product`. Beside them, prom-client's process metrics
 * (`process_resident_memory_bytes`, `nodejs_heap_size_used_bytes`, `nodejs_external_memory_bytes`, …).
 */
export class DomainMetrics implements MetricsSource {
  private readonly registry = new Registry();
  private readonly registered = new Set<string>();

  constructor(private readonly domains: readonly RunningDomain[]) {
    collectDefaultMetrics({ register: this.registry });
    const jobLabels = (read: (job: StreamJobStats) => Array<[Labels, number]>) =>
      domains.flatMap((domain) =>
        Object.entries(domain.stats()).flatMap(([product, stats]) => read(stats.job).map(([labels, value]) => ({ domain: domain.name, product, ...labels, value }))),
      );
    for (const { name, help, labelNames = [], read } of JOB_COUNTERS) {
      new Counter({
        name,
        help,
        labelNames: ['domain', 'product', ...labelNames],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const { value, ...labels } of jobLabels(read)) this.inc(labels, value);
        },
      });
    }
    this.registerNewStats();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition of every metric; a stat that appeared since the last scrape (a new model's counts) gets its metric first. */
  async metrics(): Promise<string> {
    this.registerNewStats();
    return this.registry.metrics();
  }

  private samples(): StatSample[] {
    return this.domains.flatMap((domain) =>
      Object.entries(domain.stats()).flatMap(([product, stats]) =>
        statSamples(stats.pipeline, domain.statsMetrics[product] ?? {}).map((sample) => ({ ...sample, labels: { domain: domain.name, product, ...sample.labels } })),
      ),
    );
  }

  private registerNewStats(): void {
    for (const first of this.samples()) {
      if (this.registered.has(first.name)) continue;
      this.registered.add(first.name);
      const samples = () => this.samples().filter((sample) => sample.name === first.name);
      const configuration = { name: first.name, help: first.help, labelNames: Object.keys(first.labels), registers: [this.registry] };
      if (first.kind === 'gauge') {
        new Gauge({
          ...configuration,
          collect() {
            this.reset();
            for (const { labels, value } of samples()) this.set(labels, value);
          },
        });
      } else {
        new Counter({
          ...configuration,
          collect() {
            this.reset();
            for (const { labels, value, path } of samples()) {
              if (!(Number.isFinite(value) && value >= 0)) throw new StatNotACount(labels.domain!, labels.product!, path, value);
              this.inc(labels, value);
            }
          },
        });
      }
    }
  }
}

/**
 * `/metrics` (DomainMetrics of `domains`) and `/health` on `host:port` (0: a free port). `/health` says the
 * process serves and names its jobs; whether they make progress shows in their counters.
 */
export function serveDomainMetrics(domains: readonly RunningDomain[], at: { host: string; port: number }): Promise<ObservabilityServer> {
  return startObservabilityServer(at.host, at.port, new DomainMetrics(domains), () => ({
    status: 'ok',
    products: domains.flatMap((domain) => domain.jobs.map((job) => job.job)),
  }));
}

/** The numbers of one pipeline's stats as samples, named and labelled as its StatsMetrics say. */
function statSamples(stats: object, shape: StatsMetrics): StatSample[] {
  const samples: StatSample[] = [];
  const declared = (paths: readonly string[] | undefined, path: string) => (paths ?? []).some((declaredPath) => path === declaredPath || path.startsWith(`${declaredPath}.`));
  /** `keyed`: the value is an entry of a labelled object, whose key is already a label. */
  const visit = (value: unknown, path: string[], labels: Labels, keyed = false) => {
    if (typeof value === 'number') {
      const dotted = path.join('.');
      const stem = `fieldmesh_product_${path.map(snakeCase).join('_')}`;
      const stat = `${dotted} in the stats of the data products' pipelines`;
      if (declared(shape.timestamps, dotted)) {
        if (Number.isFinite(value))
          samples.push({ name: `${stem}_timestamp_seconds`, kind: 'gauge', help: `${stat}: the instant, in seconds since the epoch`, path: dotted, labels, value: value / 1000 });
      } else if (declared(shape.gauges, dotted)) samples.push({ name: stem, kind: 'gauge', help: `${stat}: the level now`, path: dotted, labels, value });
      else samples.push({ name: `${stem}_total`, kind: 'counter', help: `${stat}: counted since the job started`, path: dotted, labels, value });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const label = keyed ? undefined : (shape.labels as Record<string, string | undefined> | undefined)?.[path.join('.')];
    for (const [key, child] of Object.entries(value)) {
      if (label) visit(child, path, { ...labels, [label]: key }, true);
      else visit(child, [...path, key], labels);
    }
  };
  visit(stats, [], {});
  return samples;
}

/** `beyondDedupeHorizon` → `beyond_dedupe_horizon`; anything a metric name may not hold becomes `_`. */
function snakeCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .toLowerCase();
}
