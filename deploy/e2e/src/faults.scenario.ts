import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { GatewayConfig } from '@fieldmesh/edge-gateway';
import { createKafka } from '@fieldmesh/kafka';
import { gatewayConfigFor } from '@fieldmesh/deploy-local';
import { startSimulator, type SimulatorHandle } from '@fieldmesh/simulator';
import type { ServiceName, Stack } from '@fieldmesh/stack';
import { reconcile, type PublishedCounts, type Reconciliation, type WarehouseRow } from './faults.reconciliation';
import { GatewayProcess } from './gateway.process';
import { isolatedRawProduct } from './isolated.product';
import { SinkProcess } from './sink.process';
import { readTelemetry } from './telemetry.reader';
import { connectorUp, waitFor } from './wait';

/** The services killed in turn, each with kill -9 and restarted after `serviceDownMs`. */
export const KILLED_SERVICES: readonly ServiceName[] = ['kafka', 'clickhouse', 'registry', 'mosquitto'];

export interface FaultsRunOptions {
  /** The running stack whose services are killed and restarted; every one is running again at the end. */
  stack: Stack;
  /** Gateway state, logs and the isolated contract root go here. */
  workDir: string;
  /** How long the simulated plant publishes (at plant speed 1). */
  plantSeconds: number;
  /** Samples per second of every signal. */
  rate?: number;
  /** Rounds of kill -9 of each of KILLED_SERVICES. */
  serviceRounds: number;
  serviceDownMs?: number;
  gatewayKills: number;
  /** How long a killed gateway stays down while the plant keeps publishing into its MQTT sessions. */
  gatewayDownMs?: number;
  sinkKills: number;
  /** How long the pipeline may take to catch up once the plant stopped and every fault healed. */
  drainTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface FaultsRunReport {
  topic: string;
  table: string;
  gatewayLog: string;
  sinkLog: string;
  plantSeconds: number;
  published: PublishedCounts;
  faults: {
    serviceKills: Partial<Record<ServiceName, number>>;
    gatewayKills: number;
    sinkKills: number;
    /** Gateway exits nobody caused: crashes. */
    gatewayCrashes: readonly string[];
    /** Sink exits nobody caused, e.g. a start refused while Kafka or ClickHouse was down; restarted each time. */
    sinkCrashes: readonly string[];
    /** Services found dead after another service's fault (restarted). */
    collateral: string[];
  };
  /**
   * From the end of the plant and of every fault until the gateway's buffer is empty, Kafka holds a record
   * per published reading and ClickHouse a row per Kafka record; null when that did not happen within drainTimeoutMs.
   */
  drainMs: number | null;
  reconciliation: Reconciliation;
}

/** Longer than Mosquitto's autosave interval (platform/testing's config: 1 s) and the time one save takes. */
const MQTT_SESSION_SAVED_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs faults one after the other: each waits until the one before it has healed. */
class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fault: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fault);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** `count` moments spread over [from, to) ms, each at `phase` (0..1) of its slot, so lanes do not coincide. */
function spread(count: number, from: number, to: number, phase: number): number[] {
  const slot = (to - from) / Math.max(count, 1);
  return Array.from({ length: count }, (_, i) => from + (i + phase) * slot);
}

/** The plant's readings on MQTT topics of their own (a unique site), so other plants on the broker stay out. */
function gatewayConfig(base: GatewayConfig, site: string): GatewayConfig {
  return {
    ...base,
    connectors: base.connectors.map((entry) => {
      if (entry.name === 'plant-json')
        return { ...entry, config: { ...entry.config, mappings: [{ topic: `acme/${site}/+area/+line/+asset/+signal`, assetPath: `acme/${site}/{area}/{line}/{asset}` }] } };
      if (entry.name === 'plant-sparkplug') return { ...entry, config: { ...entry.config, sparkplug: { ...(entry.config.sparkplug as object), groupIds: [site] } } };
      return entry;
    }),
  };
}

async function queryRows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

/**
 * Simulated plant → Mosquitto → gateway (child process) → Kafka → ClickHouse sink (child process) →
 * ClickHouse server, while three lanes of faults run side by side: kill -9 and restart of Kafka, the
 * ClickHouse server, the registry and Mosquitto in turn; kill -9 of the gateway; kill -9 of the sink. A
 * process that dies on its own is restarted (as a supervisor would) and reported. When the plant has
 * stopped and everything is back, the run waits for the pipeline to drain and reconciles the plant's
 * counts, the Kafka topic and the ClickHouse table record by record.
 */
export async function runFaultsEndToEnd(options: FaultsRunOptions): Promise<FaultsRunReport> {
  const log = options.log ?? (() => undefined);
  const { stack } = options;
  const addresses = stack.addresses;
  const id = randomBytes(4).toString('hex');
  const site = `faults-${id}`;
  const topic = `e2e.faults-${id}.raw.v1`;
  const database = `faults_${id}`;
  const table = `${database}.${topic.replace(/[^A-Za-z0-9]+/g, '_')}`;
  await mkdir(options.workDir, { recursive: true });
  const product = await isolatedRawProduct(join(options.workDir, 'root'), topic);
  const base = gatewayConfigFor({
    gatewayId: `gw-${site}`,
    stateDir: join(options.workDir, 'gateway'),
    kafkaBrokers: addresses.kafkaBrokers!,
    registryUrl: addresses.registryUrl!,
    mqttUrl: addresses.mqttUrl!,
  });
  const gateway = new GatewayProcess(gatewayConfig(base, site), join(options.workDir, 'gateway.log'), product.root);
  const sink = new SinkProcess(
    {
      kafka: { brokers: [addresses.kafkaBrokers!] },
      registryUrl: addresses.registryUrl!,
      groupId: `e2e-${site}`,
      contractsRoot: product.root,
      products: [topic],
      clickhouse: { url: addresses.clickhouseUrl!, username: addresses.clickhouseUser!, password: addresses.clickhousePassword!, database },
      // Small batches: many inserts and commits, so kills land between and inside them.
      batch: { maxRows: 500, maxWaitMs: 200, minIntervalMs: 200 },
    },
    join(options.workDir, 'sink.log'),
  );
  const clickhouse = createClient({ url: addresses.clickhouseUrl!, username: addresses.clickhouseUser!, password: addresses.clickhousePassword! });
  const faults: FaultsRunReport['faults'] = {
    serviceKills: {},
    gatewayKills: 0,
    sinkKills: 0,
    gatewayCrashes: gateway.unexpectedExits,
    sinkCrashes: sink.unexpectedExits,
    collateral: [],
  };
  let finishing = false;
  // What a supervisor (systemd, Kubernetes) does: start a process again when it dies on its own.
  const restartGateway = (): void => {
    void sleep(1_000)
      .then(async () => {
        if (finishing || gateway.alive) return;
        await gateway.start(restartGateway);
        await gateway.running();
      })
      .catch((error: unknown) => log(`gateway restart failed: ${String(error)}`));
  };
  const restartSink = (): void => {
    void sleep(1_000).then(() => (finishing || sink.alive ? undefined : sink.start(restartSink)));
  };
  let simulator: SimulatorHandle | undefined;

  try {
    await gateway.start(restartGateway);
    await gateway.running();
    await waitFor(
      'the gateway to subscribe',
      async () => (await connectorUp(gateway.observabilityUrl, 'plant-json')) && (await connectorUp(gateway.observabilityUrl, 'plant-sparkplug')),
      60_000,
    );
    simulator = await startSimulator({
      seed: 7,
      plant: { sites: [site], linesPerSite: 1 },
      rate: options.rate ?? 1,
      durationSeconds: options.plantSeconds,
      mqtt: { url: addresses.mqttUrl!, clientIdPrefix: `sim-${site}` },
      json: true,
      sparkplug: true,
      stateDir: join(options.workDir, 'simulator'),
    });
    const plantStarted = Date.now();
    // The gateway creates the topic with its first send; the sink subscribes to it.
    await waitFor('the first readings in Kafka', async () => (await gateway.health()).forwarded > 0, 60_000);
    sink.start(restartSink);
    await sink.ready();
    log(`plant publishing on acme/${site}, gateway → ${topic} → ${table}`);

    // Mosquitto keeps sessions and what it queues for an absent gateway in memory between autosaves (every
    // second): a broker crash while the gateway is away, or before its new session was saved, loses that by
    // design of the broker, not of the pipeline. So the two faults on the MQTT path take turns, each healed
    // (gateway subscribed, session saved) before the next: one failure at a time there, any number elsewhere.
    const gatewaySubscribed = async () => {
      await waitFor(
        'the gateway to subscribe again',
        async () =>
          gateway.alive &&
          (await connectorUp(gateway.observabilityUrl, 'plant-json').catch(() => false)) &&
          (await connectorUp(gateway.observabilityUrl, 'plant-sparkplug').catch(() => false)),
        60_000,
      );
      await sleep(MQTT_SESSION_SAVED_MS);
    };
    const mqttPath = new OneAtATime();
    const window = [5_000, options.plantSeconds * 1000 - 10_000] as const;
    const untilMoment = (at: number) => sleep(Math.max(0, plantStarted + at - Date.now()));
    const serviceLane = async () => {
      const schedule = Array.from({ length: options.serviceRounds }, () => KILLED_SERVICES).flat();
      const moments = spread(schedule.length, ...window, 0.1);
      for (const [i, name] of schedule.entries()) {
        await untilMoment(moments[i]!);
        const fault = async () => {
          await stack.killService(name);
          faults.serviceKills[name] = (faults.serviceKills[name] ?? 0) + 1;
          log(`kill -9 ${name}`);
          await sleep(options.serviceDownMs ?? 5_000);
          await stack.startService(name);
          log(`${name} back`);
        };
        if (name === 'mosquitto') {
          await mqttPath.run(async () => {
            await fault();
            await gatewaySubscribed();
          });
        } else await fault();
        for (const service of stack.status().filter((s) => !s.running)) {
          faults.collateral.push(`${service.name} was down after the kill of ${name}`);
          await stack.startService(service.name);
        }
      }
    };
    const gatewayLane = async () => {
      for (const at of spread(options.gatewayKills, ...window, 0.5)) {
        await untilMoment(at);
        await mqttPath.run(async () => {
          if (await gateway.kill()) faults.gatewayKills += 1;
          log(`kill -9 gateway (${faults.gatewayKills})`);
          await sleep(options.gatewayDownMs ?? 3_000);
          await gateway.start(restartGateway);
          await gateway.running();
          await gatewaySubscribed();
        });
      }
    };
    const sinkLane = async () => {
      for (const at of spread(options.sinkKills, ...window, 0.3)) {
        await untilMoment(at);
        if (await sink.kill()) faults.sinkKills += 1;
        if (faults.sinkKills % 10 === 0 || options.sinkKills < 10) log(`kill -9 sink (${faults.sinkKills})`);
        sink.start(restartSink);
      }
    };
    const lanes = [serviceLane(), gatewayLane(), sinkLane()];
    await simulator.done;
    log('plant ended; waiting for the last faults to heal');
    await Promise.all(lanes);
    const published = simulator.stats().published;
    await simulator.stop();
    log(`plant stopped: ${published['mqtt-json'] + published.sparkplug} readings acknowledged by Mosquitto; draining`);

    const drainStarted = Date.now();
    const plantReadings = published['mqtt-json'] + published.sparkplug;
    const admin = createKafka({ clientId: 'e2e-faults', brokers: [addresses.kafkaBrokers!] }).admin();
    await admin.connect();
    let inKafka = 0;
    let drained: boolean;
    try {
      drained = await waitFor(
        'the pipeline to drain (gateway buffer empty, a Kafka record per published reading, every Kafka record in ClickHouse)',
        async () => {
          if (!gateway.alive || !sink.alive) return false;
          const health = await gateway.health().catch(() => undefined);
          if (!health || health.pending > 0 || !health.uplink) return false;
          inKafka = (await admin.fetchTopicEndOffsets(topic)).reduce((sum, p) => sum + Number(p.offset), 0);
          if (inKafka < plantReadings) return false;
          // By Kafka position, not by reading: a server without DateTime64 (18.16) stores reading times to the
          // second, so two readings of a signal within one second look alike there. The reconciliation below
          // maps each row to its Kafka record, and that record to the reading it carries.
          const [counts] = await queryRows<{ records: string }>(clickhouse, `SELECT toString(uniqExact(_partition, _offset)) AS records FROM ${table}`);
          return Number(counts!.records) >= inKafka;
        },
        options.drainTimeoutMs ?? 120_000,
        500,
      ).then(
        () => true,
        () => false,
      );
      inKafka = (await admin.fetchTopicEndOffsets(topic)).reduce((sum, p) => sum + Number(p.offset), 0);
    } finally {
      await admin.disconnect();
    }
    const drainMs = drained ? Date.now() - drainStarted : null;
    log(drainMs === null ? `not drained after ${options.drainTimeoutMs ?? 120_000} ms: reconciling what arrived` : `drained in ${(drainMs / 1000).toFixed(1)} s`);

    // Nothing writes any more: the table and the topic are final.
    finishing = true;
    await sink.stop();
    await gateway.stop();
    const rows = (await queryRows<{ partition: number; offset: string }>(clickhouse, `SELECT _partition AS partition, toString(_offset) AS offset FROM ${table}`)).map(
      (row): WarehouseRow => ({ partition: Number(row.partition), offset: row.offset }),
    );
    const records = await readTelemetry({
      brokers: addresses.kafkaBrokers!,
      registryUrl: addresses.registryUrl!,
      topic,
      until: (all) => all.length >= inKafka,
      timeoutMs: 120_000,
    });
    return {
      topic,
      table,
      gatewayLog: join(options.workDir, 'gateway.log'),
      sinkLog: join(options.workDir, 'sink.log'),
      plantSeconds: options.plantSeconds,
      published,
      faults,
      drainMs,
      reconciliation: reconcile(published, records, rows),
    };
  } finally {
    finishing = true;
    await simulator?.stop();
    await sink.stop();
    await gateway.stop();
    await clickhouse.close();
    // Whatever a lane left down (a failed run stops mid-fault) runs again: the stack may be shared.
    for (const service of stack.status().filter((s) => !s.running)) await stack.startService(service.name);
  }
}
