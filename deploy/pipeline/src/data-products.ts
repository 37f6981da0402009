import { basename, join } from 'node:path';
import { type ClickhouseSinkConfig, type ClickhouseSinkHandle, startClickhouseSink } from '@fieldmesh/connector-clickhouse-sink';
import { type AssetHealthApi, domain as assetHealthDomain } from '@fieldmesh/domain-asset-health';
import type { LoadedContract } from '@fieldmesh/governance';
import type { KafkaPort } from '@fieldmesh/kafka';
import { lineageEmitter, type LineageEmitter } from '@fieldmesh/lineage';
import { type AnyDomain, type ProductWiring, type RunningDomain, serveDomainMetrics, startDomain } from '@fieldmesh/products';
import type { RuleViolationCount, StreamJobStats } from '@fieldmesh/streams';
import type { ComponentPrincipals } from './kafka.principals';
import { runGroups } from './pipeline.domains';
import { REPO_ROOT } from '@fieldmesh/stack';

/** The domains' jobs and the ClickHouse sink, running in this process. */
export interface DataProducts {
  /** Every domain, in the order they started: upstream first (the first instance's, when scaled out; /metrics serves these). */
  domains: RunningDomain[];
  /** Each instance's domains, upstream first: one instance unless `instances` asked for more. */
  instances: Array<{ instance: string; domains: RunningDomain[] }>;
  /** Every product's job, as the domains' declarations derive them. */
  jobs: ProductWiring[];
  /** A job's counters by job name (`<domain>-<product>`), summed over the instances. */
  jobStats(job: string): StreamJobStats;
  /** The asset-health domain's API: the main job judges its alerts and the console shows its models. */
  assetHealth: AssetHealthApi;
  /** Every job's counters in Prometheus format (DomainMetrics), served on a free port of 127.0.0.1 until close. */
  metricsUrl: string;
  sink: ClickhouseSinkHandle;
  lineage: LineageEmitter;
  close(): Promise<void>;
}

export interface DataProductsOptions {
  kafka: KafkaPort;
  brokers: string;
  registryUrl: string;
  stateDir: string;
  /** The domains to run, upstream first (see pipelineDomains). */
  domains: AnyDomain[];
  /** Every product's contract: the sink writes each to its table. */
  contracts: LoadedContract[];
  /** A ClickHouse server; chDB embedded in this process when absent. */
  clickhouse?: ClickhouseSinkConfig['clickhouse'];
  warn: (line: string) => void;
  /** The jobs consume in the run's own groups (runGroups), from the topics' ends: a run sharing no state with earlier runs. */
  runId?: string;
  /** Each domain's and the sink's own Kafka principal; the FIELDMESH_KAFKA_* environment's when absent. */
  kafkaPrincipals?: Pick<ComponentPrincipals, 'domain' | 'sink'>;
  /** A domain's own settings by domain name, validated by its config schema (see startDomain). */
  domainSettings?: Record<string, Record<string, unknown>>;
  /**
   * Instances of each domain (default 1). With more, each runs every job exactly-once under its own
   * transactional id in the jobs' shared groups, and the first also runs the jobs that cannot be split
   * (products declared scaleOut: false, energy's rollups).
   */
  instances?: number;
}

/**
 * Starts every domain from its declaration, consumers first so that nothing the plant sends waits for a
 * group to form, serves their jobs' counters at /metrics, then starts the sink (every product →
 * ClickHouse). Each job reports its OpenLineage run to `_fieldmesh.lineage`.
 */
export async function startDataProducts(options: DataProductsOptions): Promise<DataProducts> {
  const unknownDomains = Object.keys(options.domainSettings ?? {}).filter((name) => !options.domains.some((domain) => domain.name === name));
  if (unknownDomains.length > 0) {
    throw new TypeError(`domainSettings names no running domain: ${unknownDomains.join(', ')}; the domains are ${options.domains.map((domain) => domain.name).join(', ')}`);
  }
  const lineage = lineageEmitter({ kafka: options.kafka });
  const common = { kafka: { brokers: options.brokers.split(',') }, registryUrl: options.registryUrl, root: REPO_ROOT };
  const count = options.instances ?? 1;
  const running: Array<{ instance: string; domain: RunningDomain }> = [];
  const closeDomains = async () => {
    // Upstream first, so each stage's last outputs are still consumed by the next before it stops.
    for (const { domain } of running) await domain.close();
  };
  try {
    for (const domain of options.domains) {
      const own = options.runId === undefined ? {} : { groups: runGroups(domain, options.runId), fromBeginning: false };
      const settings = options.domainSettings?.[domain.name] ?? {};
      // A domain's own principal may not create topics or change their configs: provisioning is the operator's (done before).
      const principal = options.kafkaPrincipals ? { kafka: { ...common.kafka, security: options.kafkaPrincipals.domain(domain.name) }, provision: false } : {};
      for (let n = 0; n < count; n += 1) {
        const scaled = count === 1 ? {} : { instance: String(n), singletonJobs: n === 0 };
        running.push({ instance: String(n), domain: (await startDomain(domain, { ...settings, ...common, ...principal, ...own, ...scaled }, { lineage })) as RunningDomain });
      }
    }
    const instances = Array.from({ length: count }, (_, n) => ({ instance: String(n), domains: running.filter((r) => r.instance === String(n)).map((r) => r.domain) }));
    const domains = instances[0]!.domains;
    const metrics = await serveDomainMetrics(domains, { host: '127.0.0.1', port: 0 });
    const sink = await startClickhouseSink(
      {
        kafka: { brokers: options.brokers.split(','), ...(options.kafkaPrincipals ? { security: options.kafkaPrincipals.sink } : {}) },
        registryUrl: options.registryUrl,
        contractsRoot: REPO_ROOT,
        clickhouse: options.clickhouse ?? { chdbPath: join(options.stateDir, 'chdb') },
        // A fresh warehouse per run, so a group of its own that reads every topic from the start.
        groupId: `fieldmesh.clickhouse-sink.${basename(options.stateDir)}`,
        batch: { maxRows: 10_000, maxWaitMs: 500, minIntervalMs: 1_000 },
      },
      { warn: options.warn, lineage, contracts: options.contracts },
    ).catch(async (error: unknown) => {
      await metrics.close();
      throw error;
    });
    const assetHealth = domains.find((domain) => domain.name === assetHealthDomain.name)?.api as AssetHealthApi;
    const jobs = domains.flatMap((domain) => domain.jobs);
    return {
      domains,
      jobs,
      instances,
      jobStats: (job) => {
        const wiring = jobs.find((candidate) => candidate.job === job);
        if (!wiring) throw new TypeError(`no job ${job}; the jobs are ${jobs.map((candidate) => candidate.job).join(', ')}`);
        return sumJobStats(running.filter(({ domain }) => domain.name === wiring.domain).map(({ domain }) => domain.stats()[wiring.product]!.job));
      },
      assetHealth,
      metricsUrl: `${metrics.url}/metrics`,
      sink,
      lineage,
      async close() {
        await metrics.close();
        await closeDomains();
        await sink.close();
        await lineage.close();
      },
    };
  } catch (error) {
    await closeDomains();
    await lineage.close();
    throw error;
  }
}

/** One job's counters over its instances. */
function sumJobStats(all: StreamJobStats[]): StreamJobStats {
  const add = (pick: (stats: StreamJobStats) => number | undefined) => all.reduce((sum, stats) => sum + (pick(stats) ?? 0), 0);
  const violations = new Map<string, RuleViolationCount>();
  for (const violation of all.flatMap((stats) => stats.ruleViolations ?? [])) {
    const key = [violation.side, violation.topic, violation.rule, violation.field].join('\u0000');
    const known = violations.get(key);
    violations.set(key, known ? { ...known, count: known.count + violation.count } : { ...violation });
  }
  return {
    batches: add((s) => s.batches),
    recordsIn: add((s) => s.recordsIn),
    recordsOut: add((s) => s.recordsOut),
    deadLettered: {
      deserialize: add((s) => s.deadLettered.deserialize),
      process: add((s) => s.deadLettered.process),
      validateInput: add((s) => s.deadLettered.validateInput),
      validateOutput: add((s) => s.deadLettered.validateOutput),
    },
    ruleViolations: [...violations.values()],
    replays: add((s) => s.replays),
    recordsOwingNoOutput: add((s) => s.recordsOwingNoOutput),
  };
}
