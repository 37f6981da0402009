import { mkdir } from 'node:fs/promises';
import type { ClickhouseSinkConfig } from '@fieldmesh/connector-clickhouse-sink';
import { domain as assetHealthDomain } from '@fieldmesh/domain-asset-health';
import type { Gateway } from '@fieldmesh/edge-gateway';
import { maxClockSkewMsOf, provisionProduct, type LoadedContract, type RegistryAuth } from '@fieldmesh/governance';
import { createKafka, dlqTopicFor, type KafkaAdminPort, type KafkaPort } from '@fieldmesh/kafka';
import { expectationsFromPlant, startSimulator, type SimulatorHandle, type SimulatorStats } from '@fieldmesh/simulator';
import { startDataProducts, type DataProducts } from './data-products';
import { FailureInjector, type FailureSchedule } from './failure.injector';
import { DEFAULT_PLANNED_RUN_MS, plantClockStart, type UntrustedWatermark } from './plant.clock';
import type { ComponentPrincipals } from './kafka.principals';
import { pipelineDomains, windowedJobGroups } from './pipeline.domains';
import { PLANT_SITES } from './plant.sites';
import { startSiteLink, type SiteLink } from './site.link';

export interface PlantPipelineOptions {
  kafkaBrokers: string;
  registryUrl: string;
  /**
   * Credentials for provisioning's registry writes (subject compatibility, schema registration). A
   * governed registry needs a token allowed `config:write` and `schema:register`; the runtime serdes only
   * look up the schemas provisioning registered, which is anonymous.
   */
  registryAuth?: RegistryAuth;
  /** Where the gateway, the simulator and chDB keep their state for this run. */
  stateDir: string;
  /** Simulated seconds per wall-clock second: at 10, a two-minute run closes one 15-minute energy window. */
  speed?: number;
  /**
   * How long the run is planned to last (wall clock; default 30 min). A plant faster than the wall clock
   * starts in the past by what it gains over this time, and slows to real time when its readings would
   * come near the raw contract's maximum clock skew, so it publishes for the whole run.
   */
  plannedRunSeconds?: number;
  /** Process failures on plant time (see FailureInjector), so alerts open; DEFAULT_FAILURES when absent, false for a healthy plant. */
  failures?: FailureSchedule | false;
  /** A ClickHouse server for the sink; chDB embedded in this process when absent. */
  clickhouse?: ClickhouseSinkConfig['clickhouse'];
  /** Folders of further domain packages to run beside those under domains/ (a test's fixture domain). */
  domainFolders?: string[];
  /**
   * Run each component as its own Kafka principal (the gateway, each domain, the sink; see componentPrincipals,
   * which applies the ACLs the contracts imply); without it every client logs in as the FIELDMESH_KAFKA_* environment says.
   */
  kafkaPrincipals?: ComponentPrincipals;
  /** A domain's own settings by domain name (what its config file gives when it runs alone), e.g. asset-health's alerting. */
  domainSettings?: Record<string, Record<string, unknown>>;
  /**
   * Run the data products in consumer groups of this run's own (runGroups), from the topics' ends: its
   * plant then starts behind no earlier run's watermarks and runs at full speed (tests on a shared stack).
   */
  runId?: string;
  /** Instances of each domain service in its consumer groups (default 1; see startDataProducts). */
  instances?: number;
  /**
   * The plant's sites (default PLANT_SITES): each a plant of its own with its own Mosquitto and site CA, OPC UA
   * server, gateway (its own pseudonymisation key and Kafka principal), all into the one Kafka cluster.
   */
  sites?: readonly string[];
  log: (line: string) => void;
}

/** Samples per simulated second of every signal. */
const PLANT_RATE = 1;

/**
 * Episodes last 400 plant-seconds: longer than a bearing's thermal lag (240 s), so overheating shows. One
 * starts every 100 plant-seconds on another asset, so a two-minute run at 10× (1,200 plant-seconds) finishes
 * eight, enough for the report's detection figures (MIN_EPISODES in deploy/local's report).
 */
export const DEFAULT_FAILURES: FailureSchedule = { firstAfterPlantSeconds: 30, everyPlantSeconds: 100, durationSeconds: 400, restPlantSeconds: 300 };

/** One site of the plant: its simulator (MQTT JSON, Sparkplug B, OPC UA), its secure broker and its gateway. */
export interface SitePlant {
  readonly site: string;
  readonly gateway: Gateway;
  readonly simulator: SimulatorHandle;
  readonly injector: FailureInjector | undefined;
  /** The site's Mosquitto (mqtts://, client certificates from this site's CA only). */
  readonly mqttUrl: string;
  readonly caFile: string;
}

/** The whole pipeline on a simulated plant, running in this process. */
export interface PlantPipeline {
  readonly kafka: KafkaPort;
  /** Connected until `close()`. */
  readonly admin: KafkaAdminPort;
  readonly contracts: LoadedContract[];
  /** The folders those contracts come from: the repository's and each domain's own (see contractRootsOf). */
  readonly contractRoots: readonly string[];
  /** Every product topic and its DLQ. */
  readonly topics: string[];
  /** Records in each of `topics` once provisioned, before anything of this pipeline produced. */
  readonly offsetsAtStart: Record<string, number>;
  readonly products: DataProducts;
  /** Every site, in the order of `sites`. */
  readonly sites: readonly SitePlant[];
  /** Records per second each line should bring each product, for the live completeness SLO (`@fieldmesh/slo`). */
  readonly sloExpectations: Record<string, Record<string, number>>;
  /**
   * Stops the failures and the plants, lets each gateway deliver what is in flight and closes it; the data
   * products keep running so they can catch up. Returns each site's final counts, by site. Idempotent.
   */
  stopPlant(): Promise<Record<string, SimulatorStats>>;
  /** Stops the plant when still running, then the data products, upstream first. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the pipeline: every product provisioned from its contract (topics with their retention, DLQs,
 * registry compatibility and schemas, as `fieldmesh products apply` does), the data products and the sink,
 * the gateway, then the simulator speaking MQTT JSON, Sparkplug B and OPC UA to it.
 */
export async function startPlantPipeline(options: PlantPipelineOptions): Promise<PlantPipeline> {
  const brokers = options.kafkaBrokers;
  await mkdir(options.stateDir, { recursive: true });
  const kafka = createKafka({ clientId: 'fieldmesh-plant-pipeline', brokers: brokers.split(',') });
  const admin = kafka.admin();
  await admin.connect();
  const closers: Array<() => Promise<unknown>> = [() => admin.disconnect()];
  const unwind = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    // Every product exists as its contract says before anything produces or consumes.
    const found = await pipelineDomains(options.domainFolders, options.runId);
    const contracts = found.contracts.all();
    for (const loaded of contracts)
      await provisionProduct(loaded, { admin, registryUrl: options.registryUrl, ...(options.registryAuth ? { registryAuth: options.registryAuth } : {}) });
    const topics = contracts.flatMap((loaded) => [loaded.contract.kafka.topic, dlqTopicFor(loaded.contract.kafka.topic)]);
    const offsetsAtStart = await endOffsets(admin, topics);
    const principals = options.kafkaPrincipals;

    const speed = options.speed ?? 10;
    // The features' allowed lateness is event time, and a plant at `speed` stamps `speed` times more of it on the
    // same transport delay: the asset-health domain scales it (the contract's stays a real plant's).
    const domainSettings = {
      ...options.domainSettings,
      ...(found.domains.some((domain) => domain.name === assetHealthDomain.name)
        ? { [assetHealthDomain.name]: { plantSpeed: speed, ...options.domainSettings?.[assetHealthDomain.name] } }
        : {}),
    };
    options.log(`Starting the data products: ${found.jobs.map((job) => `${job.domain} ${job.product}`).join(', ')} and the ClickHouse sink...`);
    const products = await startDataProducts({
      kafka,
      brokers,
      registryUrl: options.registryUrl,
      stateDir: options.stateDir,
      domains: found.domains,
      contracts,
      ...(options.clickhouse ? { clickhouse: options.clickhouse } : {}),
      warn: (line) => options.log(`  ${line}`),
      ...(options.runId === undefined ? {} : { runId: options.runId }),
      domainSettings,
      ...(principals ? { kafkaPrincipals: principals } : {}),
      ...(options.instances ? { instances: options.instances } : {}),
    });
    closers.push(() => products.close());
    const sites = options.sites ?? PLANT_SITES;
    const links: SiteLink[] = [];
    for (const site of sites) {
      const link = await startSiteLink(site, {
        stateDir: options.stateDir,
        brokers,
        registryUrl: options.registryUrl,
        ...(principals ? { kafkaPrincipals: principals } : {}),
        lineage: products.lineage,
        log: options.log,
      });
      closers.push(() => link.close());
      links.push(link);
    }
    const raw = contracts.find((loaded) => loaded.contract.id === 'plant-telemetry.raw');
    const maxClockSkewMs = maxClockSkewMsOf(raw?.contract ?? {});
    const clock = await plantClockStart(kafka, {
      speed,
      maxClockSkewMs,
      groups: windowedJobGroups(found.jobs),
      ...(options.plannedRunSeconds ? { plannedRunMs: options.plannedRunSeconds * 1000 } : {}),
    });
    for (const line of untrustedWatermarkLines(clock.untrusted, maxClockSkewMs)) options.log(line);
    const plannedRunMs = (options.plannedRunSeconds ?? DEFAULT_PLANNED_RUN_MS / 1000) * 1000;
    if (clock.fullSpeedForMs < plannedRunMs) {
      options.log(
        `Note: earlier runs' plant (${speed}x faster than the wall clock) left the windowed jobs' watermarks ahead, so this run's plant starts at ${new Date(clock.startMs).toISOString()}, ` +
          `runs ${speed}x for ${Math.round(clock.fullSpeedForMs / 1000)} s and then at real time, ${clock.maxLeadMs / 1000} s ahead of the wall clock, within the ${maxClockSkewMs / 1000} s clock skew. ` +
          `A run of this length runs ${speed}x throughout again in ${Math.ceil(clock.fullRunAfterMs / 60_000)} min, when the wall clock has caught up; 'npm run stack -- down' then 'npm start' starts afresh.`,
      );
    } else if (clock.startMs < Date.now()) {
      options.log(
        `The plant runs ${speed}x faster than the wall clock: it starts at ${new Date(clock.startMs).toISOString()}, in the past, so that its readings stay within the ${maxClockSkewMs / 1000} s clock skew for the planned ${Math.round(plannedRunMs / 1000)} s (then it runs at real time).`,
      );
    }
    const failures = options.failures ?? DEFAULT_FAILURES;
    const sitePlants: SitePlant[] = [];
    for (const [index, link] of links.entries()) {
      const simulator = await startSimulator({
        // Each site its own plant: the same shape, its own noise and wear.
        seed: 42 + index,
        startTimeMs: clock.startMs,
        plant: link.plantShape,
        rate: PLANT_RATE,
        speed,
        maxLeadSeconds: clock.maxLeadMs / 1000,
        mqtt: { url: link.mqttBroker.url, tls: { caFile: link.mqttBroker.caFile, identitiesDir: link.mqttBroker.identitiesDir } },
        json: true,
        sparkplug: true,
        opcua: link.opcua.server,
        stateDir: link.simulatorStateDir,
      });
      closers.push(() => simulator.stop());
      const injector = failures ? new FailureInjector(simulator, failures) : undefined;
      injector?.start();
      sitePlants.push({ site: link.site, gateway: link.gateway, simulator, injector, mqttUrl: link.mqttBroker.url, caFile: link.mqttBroker.caFile });
    }
    // Raw telemetry gets at least one record per sample of every signal (more where a signal is also
    // sampled over OPC UA); a lower bound is what a completeness objective needs. Line paths hold the site.
    const sloExpectations: Record<string, Record<string, number>> = {};
    for (const { simulator } of sitePlants) {
      for (const [product, lines] of Object.entries(expectationsFromPlant(simulator.plant, { rate: PLANT_RATE, speed }, { 'plant-telemetry.raw': { per: 'reading' } })))
        Object.assign((sloExpectations[product] ??= {}), lines);
    }

    let plantStopped: Promise<Record<string, SimulatorStats>> | undefined;
    const stopPlant = () => {
      plantStopped ??= (async () => {
        const stopped = await Promise.all(
          sitePlants.map(async ({ site, simulator, injector }, index) => {
            injector?.stop();
            await simulator.stop();
            const plant = simulator.stats();
            await links[index]!.drain(countPublishedMqtt(plant.published));
            return [site, plant] as const;
          }),
        );
        return Object.fromEntries(stopped);
      })();
      return plantStopped;
    };
    let closed: Promise<void> | undefined;
    return {
      kafka,
      admin,
      contracts,
      contractRoots: found.contracts.roots,
      topics,
      offsetsAtStart,
      products,
      sites: sitePlants,
      sloExpectations,
      stopPlant,
      close() {
        closed ??= (async () => {
          await stopPlant();
          await products.close();
          await admin.disconnect();
        })();
        return closed;
      },
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/** The number of records in each topic (sum of its partitions' end offsets; 0 for a topic not there). */
export async function endOffsets(admin: KafkaAdminPort, topics: string[]): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(topics.map(async (topic) => [topic, await endOffsetTotal(admin, topic)] as const)));
}

async function endOffsetTotal(admin: KafkaAdminPort, topic: string): Promise<number> {
  try {
    return (await admin.fetchTopicEndOffsets(topic)).reduce((sum, p) => sum + Number(p.offset), 0);
  } catch {
    return 0; // the topic does not exist yet: nothing in it
  }
}

/** Warnings for persisted watermarks beyond the wall clock plus the skew, with the command that resets them. */
function untrustedWatermarkLines(untrusted: UntrustedWatermark[], maxClockSkewMs: number): string[] {
  return untrusted.map(
    ({ group, state, watermark }) =>
      `Warning: job ${group} persisted a watermark for ${state} at ${new Date(watermark).toISOString()}, beyond the wall clock plus the ${maxClockSkewMs / 1000} s clock skew ` +
      `(a wrong device clock got through): the plant clock and the job ignore it and rebuild its windows from the replay. ` +
      `To drop it for good: stop the main job and run 'npm run stack -- reset-watermarks --job ${group}'.`,
  );
}

function countPublishedMqtt(published: Record<string, number>): number {
  return (published['mqtt-json'] ?? 0) + (published.sparkplug ?? 0);
}
