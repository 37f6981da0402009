import { basename, join } from 'node:path';
import { type ClickhouseSinkConfig, distributedTableName, runAnalystQueries } from '@fieldmesh/connector-clickhouse-sink';
import { dlqTopicFor } from '@fieldmesh/kafka';
import {
  componentPrincipals,
  endOffsets,
  PERSONAS,
  pipelineDomains,
  type PlantPipeline,
  plantSites,
  quietLimitsFor,
  siteGatewayId,
  stageFlows,
  startGovernedRegistry,
  startPlantPipeline,
  waitWhileProgressing,
} from '@fieldmesh/pipeline';
import type { SloEvent } from '@fieldmesh/slo';
import { kafkaClientEnv, type Stack } from '@fieldmesh/stack';
import type { Output } from '../command.output';
import { preferredPortIfFree, PREFERRED_REGISTRY_PORT, startConsoleAccess } from './console.starter';
import { accessLines, LOCAL_TOKENS_FILE } from './governance.access';
import { RateMeter } from './progress.meter';
import { formatReport, judgeDetection, type MainJobReport, type SiteReport } from './report';
import { StallDetector } from './stall.detector';
import { TopicRecordCounts } from './topic-record.counts';

export interface MainJobOptions {
  stack: Stack;
  /** Where the gateway and simulator keep their state for this run. */
  stateDir: string;
  durationSeconds?: number;
  signal: AbortSignal;
  output: Output;
  progressEverySeconds?: number;
  /** Simulated seconds per wall-clock second: at 10, a two-minute run closes one 15-minute energy window. */
  speed?: number;
  /** The console's port; by default 8090 when free, else any free port. */
  consolePort?: number;
  /** The governed registry's and the console's tokens; default LOCAL_TOKENS_FILE, which outlives the stack. */
  tokensFile?: string;
  /** Folders of further domain packages to run beside those under domains/ (a test's fixture domain). */
  domainFolders?: string[];
  /** The data products consume in groups of this run's own, from the topics' ends (see startPlantPipeline): a test's run on a shared stack. */
  runId?: string;
  /** How many sites (1 to 3, default 1): each its own plant, broker, site CA, OPC UA server, gateway and Kafka principal (see plantSites). */
  sites?: number;
  /** Instances of each domain service (1 to 3, default 1), exactly-once in shared consumer groups (see startDataProducts); the report shows each one's jobs. */
  instances?: number;
}

/**
 * The whole pipeline on a simulated plant: the simulator speaks MQTT JSON, Sparkplug B and OPC UA to the
 * gateway, which publishes Avro telemetry to Kafka through the registry. Prints progress while it runs
 * and, when stopped, a report that accounts for every message.
 *
 * Provisioning and the console use a governed registry over the stack's schemas, with the repository's
 * contracts baselined; its audit log (`_fieldmesh.contract-audit`) keeps proposals across runs.
 */
export async function runMainJob(options: MainJobOptions): Promise<MainJobReport> {
  const { output } = options;
  const addresses = options.stack.addresses;
  // The stack's broker takes SASL_SSL only; the run's Kafka clients log in as the stack's admin.
  Object.assign(process.env, kafkaClientEnv(addresses));
  const tokensFile = options.tokensFile ?? LOCAL_TOKENS_FILE;
  const sites = plantSites(options.sites ?? 1);
  // Readings this run's gateways produce are received from now on: the per-site count in ClickHouse starts here.
  const runStartedMs = Date.now();
  // Each component logs in to Kafka as a principal of its own, allowed what its contracts say (applied first).
  const { contracts } = await pipelineDomains(options.domainFolders);
  const principals = await componentPrincipals(
    addresses.kafkaBrokers!,
    contracts.all(),
    { secretsDir: join(options.stack.dir, 'secrets', 'kafka'), caFile: addresses.kafkaCaFile! },
    sites,
  );
  output.err(`Kafka: SASL_SSL, each component its own SCRAM principal with the ACLs the contracts imply (${principals.principals.join(', ')}).`);
  const registry = await startGovernedRegistry({
    kafkaBrokers: addresses.kafkaBrokers!,
    kafkaSecurity: principals.registry,
    tokensFile,
    // A token per person, printed below: revoked when the run stops; a killed run's expire within their 10-minute lease.
    people: PERSONAS,
    port: await preferredPortIfFree(PREFERRED_REGISTRY_PORT),
  });
  const pipeline = await startPlantPipeline({
    kafkaBrokers: addresses.kafkaBrokers!,
    registryUrl: registry.url,
    // Provisioning sets subject compatibility, which only a governance lead may.
    registryAuth: { username: PERSONAS.lead.name, password: registry.tokens.lead },
    kafkaPrincipals: principals,
    stateDir: options.stateDir,
    ...(options.speed ? { speed: options.speed } : {}),
    ...(options.durationSeconds ? { plannedRunSeconds: options.durationSeconds } : {}),
    ...(options.domainFolders ? { domainFolders: options.domainFolders } : {}),
    ...(options.runId === undefined ? {} : { runId: options.runId }),
    ...replicatedClickhouse(options.stack, options.stateDir),
    sites,
    ...(options.instances ? { instances: options.instances } : {}),
    log: (line) => output.err(line),
  }).catch(async (error: unknown) => {
    await registry.close();
    throw error;
  });
  const { admin, topics, products, offsetsAtStart: before } = pipeline;
  const totals = () => sumCounts(pipeline.sites.map(({ gateway }) => gateway.stats()));
  const injected = () => pipeline.sites.flatMap(({ injector }) => injector?.injected ?? []);
  const assets = pipeline.sites.reduce((sum, { simulator }) => sum + simulator.plant.assets.length, 0);
  // The domain rebuilds its alerts from the alerts topic, earlier runs' included: this run is judged on its own.
  const earlierAlerts = new Set(products.assetHealth.alerts().map((alert) => alert.alertId));
  const sloEvents: SloEvent[] = [];
  const consoleAccess = await startConsoleAccess({
    pipeline,
    kafkaBrokers: addresses.kafkaBrokers!,
    kafkaPrincipals: principals,
    registryUrl: registry.url,
    tokensFile,
    stateDir: options.stateDir,
    ...(options.consolePort === undefined ? {} : { port: options.consolePort }),
    onSloEvent: (event) => {
      sloEvents.push(event);
      output.err(`  SLO ${event.type}: ${event.message}`);
    },
  }).catch(async (error: unknown) => {
    await pipeline.close();
    await registry.close();
    throw error;
  });
  output.err(
    [
      ...accessLines({ consoleUrl: consoleAccess.url, registryUrl: registry.url, tokensFile, tokens: registry.tokens }),
      `Metrics: ${products.metricsUrl} (Prometheus: each product job's records in, out and dead-lettered, and its pipeline's counts, e.g. clean's duplicates)`,
    ].join('\n'),
  );
  output.err(
    `Main job running: ${sites.length === 1 ? '' : `${sites.length} sites (${sites.join(', ')}), each its own plant, site CA, broker, OPC UA server and gateway; `}${assets} assets on MQTT JSON, Sparkplug B and OPC UA → gateway → Kafka. ${options.durationSeconds ? `Stops after ${options.durationSeconds} s` : 'Ctrl-C stops it'} and prints a report.`,
  );

  const meter = new RateMeter();
  const started = Date.now();
  // Windowed stages are judged in plant time (limits at speed 1): the plant runs 10x, then at real time
  // once its clock nears the skew, and a window takes the same plant time to close either way.
  const stallDetector = new StallDetector(quietLimitsFor(products.jobs, 1), STAGE_QUIET_MS);
  // The sites' plants share one clock (they start together at the same speed): the first one's tells it.
  const clockOf = pipeline.sites[0]!.simulator;
  const sampleTime = () => ({ wallMs: Date.now(), plantMs: clockOf.stats().plantTimeMs ?? clockOf.config.startTimeMs ?? Date.now() });
  stallDetector.sample(sampleTime(), stageFlows(pipeline));
  const progress = setInterval(
    () => {
      stallDetector.sample(sampleTime(), stageFlows(pipeline));
      const plantTotal = pipeline.sites.reduce((sum, { simulator }) => {
        const plant = simulator.stats().published;
        return sum + plant['mqtt-json'] + plant.sparkplug + plant.opcua;
      }, 0);
      const g = totals();
      const clean = products.jobStats('plant-telemetry-clean');
      const features = products.jobStats('asset-health-features');
      const scores = products.jobStats('asset-health-anomaly-operator');
      const rows = products.sink.stats().tables.reduce((sum, t) => sum + t.inserted, 0);
      output.err(
        `[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] plant ${meter.rate('plant', plantTotal).toFixed(0)}/s → gateway ${meter.rate('in', g.received).toFixed(0)}/s (dlq ${g.deadLettered}, buffer ${g.pending}) → kafka ${meter.rate('out', g.forwarded).toFixed(0)}/s → clean ${meter.rate('clean', clean.recordsOut).toFixed(0)}/s → features ${meter.rate('features', features.recordsOut).toFixed(0)}/s → scores ${meter.rate('scores', scores.recordsOut).toFixed(0)}/s | clickhouse ${meter.rate('rows', rows).toFixed(0)} rows/s | failures ${injected().length}, alerts open ${products.assetHealth.alertStats().openAlerts}`,
      );
    },
    (options.progressEverySeconds ?? 5) * 1000,
  );

  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.durationSeconds ? options.durationSeconds * 1000 : 2 ** 31 - 1);
    options.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
  clearInterval(progress);
  stallDetector.sample(sampleTime(), stageFlows(pipeline));
  await consoleAccess.close();
  output.err('Stopping the plant and draining the gateway...');
  const plants = await pipeline.stopPlant();
  output.err('Letting the data products and the sink catch up...');
  // The sink of this run starts a fresh warehouse from the start of every topic: it must end up with
  // everything the topics hold, earlier runs' records included.
  const sunk = () => Object.fromEntries(products.sink.stats().tables.map((t) => [t.topic, t.inserted + t.deadLettered]));
  // Scaled out, the jobs write in transactions, whose commit markers take offsets: count the records themselves.
  const counted = products.instances.length > 1 ? await TopicRecordCounts.start(pipeline.kafka, topics) : undefined;
  const records = () => counted?.counts() ?? endOffsets(admin, topics);
  let kafkaTotals = await records();
  // Waited on while the sink or the jobs still move (a loaded machine, a broker restart), up to 90 s standing still.
  const moved = (): number => [...Object.values(sunk()), ...Object.values(kafkaTotals)].reduce((sum, n) => sum + n, 0);
  await waitWhileProgressing(
    async () => {
      kafkaTotals = await records();
      const rows = sunk();
      return products.sink.stats().tables.every((t) => (rows[t.topic] ?? 0) >= (kafkaTotals[t.topic] ?? 0));
    },
    moved,
    { quietMs: 90_000, capMs: 600_000 },
  ).catch((error: Error) => output.err(`  the sink did not catch up (${error.message}): the report shows where it stands`));
  await counted?.stop();
  const sink = products.sink.stats();
  const analystQueries = await runAnalystQueries(products.sink.warehouse.client, { database: sink.database, distributed: sink.cluster !== undefined }).catch((error: unknown) => {
    output.err(`  analyst queries failed: ${String(error)}`);
    return [];
  });
  const events = products.assetHealth
    .alerts()
    .filter((alert) => !earlierAlerts.has(alert.alertId))
    .flatMap((alert) => alert.history);
  const episodes = pipeline.sites.flatMap(({ site, injector }) =>
    (injector?.injected ?? []).map((episode) => ({ episode, finished: episode.endMs <= (plants[site]?.plantTimeMs ?? 0) })),
  );
  const rawRows = await rawRowsByGateway(products, runStartedMs).catch((error: unknown) => {
    output.err(`  counting each site's raw rows in ClickHouse failed: ${String(error)}`);
    return undefined;
  });
  const siteReports: SiteReport[] = pipeline.sites.map(({ site, gateway }) => ({
    site,
    gatewayId: siteGatewayId(site),
    published: plants[site]!.published,
    gateway: gateway.stats(),
    ...(rawRows ? { rawRows: rawRows[siteGatewayId(site)] ?? 0 } : {}),
  }));
  const report: MainJobReport = {
    seconds: Math.round((Date.now() - started) / 1000),
    plant: {
      published: sumCounts(siteReports.map((site) => site.published)),
      badInputs: Object.values(plants).reduce((sum, plant) => sum + plant.badInputs, 0),
    },
    gateway: totals(),
    sites: siteReports,
    jobs: products.instances.flatMap(({ instance, domains }) =>
      domains.flatMap((domain) =>
        Object.entries(domain.stats()).map(([product, stats]) => ({ domain: domain.name, product, ...(products.instances.length > 1 ? { instance } : {}), ...stats })),
      ),
    ),
    kafka: delta(kafkaTotals, before),
    kafkaTotals,
    jobDeadLetters: jobDeadLetters(products),
    warehouse: Object.fromEntries(sink.tables.map((t) => [t.topic, { table: `${sink.database}.${t.table}`, rows: t.inserted, deadLettered: t.deadLettered }])),
    failures: injected().length,
    detection: judgeDetection(episodes, events),
    models: products.assetHealth.models(),
    analystQueries: analystQueries.map((q) => ({ name: q.name, rows: q.rows })),
    stalls: stallDetector.stalls(),
    slo: {
      events: sloEvents,
      breachedAtEnd: consoleAccess.slo
        .status()
        .filter((status) => status.state === 'breached')
        .map((status) => `${status.product} ${status.slo} ${status.scope}`),
    },
  };
  await pipeline.close();
  await registry.close();
  output.out(formatReport(report));
  return report;
}

/** How long a stage without a window may go without output while its input flows: a few progress ticks. */
const STAGE_QUIET_MS = 30_000;

/** The product jobs' dead letters this run, by the DLQ topic they went to (`<input topic>.dlq`). */
function jobDeadLetters(products: PlantPipeline['products']): Record<string, number> {
  const letters: Record<string, number> = {};
  for (const job of products.jobs) {
    const { deserialize, process } = products.jobStats(job.job).deadLettered;
    const topic = dlqTopicFor(job.input.topic);
    letters[topic] = (letters[topic] ?? 0) + deserialize + process;
  }
  return letters;
}

/** Field-wise sums of counters (every site's gateway, every site's plant). */
function sumCounts<T extends object>(counts: readonly T[]): T {
  const sum: Record<string, number> = {};
  for (const count of counts) for (const [name, value] of Object.entries(count)) sum[name] = (sum[name] ?? 0) + Number(value);
  return sum as T;
}

/**
 * Rows of the raw product's ClickHouse table per gateway id, received since `sinceMs`: what each site's
 * gateway brought to the warehouse during this run (the table also holds earlier runs' readings).
 */
async function rawRowsByGateway(products: PlantPipeline['products'], sinceMs: number): Promise<Record<string, number>> {
  const { database, cluster, tables } = products.sink.stats();
  const raw = tables.find((table) => table.topic === 'plant.telemetry.raw.v1');
  if (!raw) return {};
  // On a cluster, counted as analysts count: through the Distributed table.
  const table = cluster === undefined ? raw.table : distributedTableName(raw);
  const result = await products.sink.warehouse.client.query({
    query: `SELECT gatewayId, count() AS n FROM \`${database}\`.\`${table}\` WHERE receivedTime >= toDateTime(${Math.floor(sinceMs / 1000)}, 'UTC') GROUP BY gatewayId`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ gatewayId: string; n: string | number }>();
  return Object.fromEntries(rows.map((row) => [row.gatewayId, Number(row.n)]));
}

/**
 * The sink's ClickHouse when the stack runs replicas (`--clickhouse-replicas`): the cluster, written through
 * the first replica and failing over to the others, in a database of this run's own (the report counts what
 * this run's sink wrote). Without replicas the sink keeps chDB in the run's folder.
 */
function replicatedClickhouse(stack: Stack, stateDir: string): { clickhouse?: ClickhouseSinkConfig['clickhouse'] } {
  const { clickhouseCluster, clickhouseReplicaUrls, clickhouseUser, clickhousePassword } = stack.addresses;
  const [url, ...replicaUrls] = (clickhouseReplicaUrls ?? '').split(',').filter((replica) => replica !== '');
  if (!clickhouseCluster || !url) return {};
  return {
    clickhouse: {
      url,
      ...(replicaUrls.length > 0 ? { replicaUrls } : {}),
      username: clickhouseUser!,
      password: clickhousePassword!,
      cluster: clickhouseCluster,
      database: `fieldmesh_run_${basename(stateDir).replace(/[^A-Za-z0-9_]/g, '_')}`,
    },
  };
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([topic, count]) => [topic, count - (before[topic] ?? 0)]));
}
