import { join } from 'node:path';
import { loadConfig } from '@fieldmesh/config';
import type { DesiredStateReport, GatewayBufferState, GatewayHeartbeat, Source, SourceConnectorSpec } from '@fieldmesh/connect';
import { loadContract, type LoadedContract, provisionTopics } from '@fieldmesh/governance';
import { createKafka, type KafkaPort } from '@fieldmesh/kafka';
import type { LineageEmitter } from '@fieldmesh/lineage';
import { type HealthReport, startObservabilityServer } from '@fieldmesh/observability';
import { AvroSerde } from '@fieldmesh/serde';
import { clockSequenceBase, SegmentLog } from './buffer/segment-log';
import type { GatewayDiagnostics } from './commands/diagnostics.handler';
import { GatewayCommands } from './commands/gateway-commands.consumer';
import { ReplyPublisher } from './commands/reply.publisher';
import type { GatewayConfig } from './config/gateway.config';
import { AssetModel } from './enrich/asset.model';
import { Calibration } from './enrich/calibration';
import { resolveWriter } from './enrich/writer.cache';
import { Forwarder } from './forward/forwarder';
import { EventsProduct } from './ingest/events.product';
import { Ingestor } from './ingest/ingestor';
import { RedeliveryFilter } from './ingest/redelivery.filter';
import { gatewayLineageReporter } from './observe/gateway.lineage';
import { GatewayMetrics } from './observe/gateway.metrics';
import { Heartbeat } from './observe/heartbeat';
import { LogTail } from './observe/log.tail';
import { sourceAddresses } from './observe/read-sources.tracker';
import { Pseudonymiser } from './privacy/pseudonymiser';
import { SourceRunner } from './runtime/source.runner';

/** Forwarder sends' worth of records the buffer may hold beyond Kafka while Kafka is up (see Forwarder.caughtUp). */
const BACKPRESSURE_SENDS = 4;

export type ConnectorCatalog = Record<GatewayConfig['connectors'][number]['type'], SourceConnectorSpec>;

export interface GatewayOptions {
  /** Repository root: contracts and schemas are resolved from here. */
  root: string;
  connectors: ConnectorCatalog;
  log?: (line: string) => void;
  /** Reports the gateway's run (machines' topics and nodes → product topic) as OpenLineage events. */
  lineage?: LineageEmitter;
  /** The desired state this gateway runs, for its heartbeats (src/fleet/desired-state.gateway.ts). */
  desiredState?: () => DesiredStateReport;
}

/** Where every message went: received = accepted + dead-lettered + duplicates; buffered = forwarded + pending + dropped. */
export interface GatewayCounts {
  received: number;
  accepted: number;
  /** Readings a source delivered again that the gateway had buffered recently (dropped). */
  duplicates: number;
  deadLettered: number;
  forwarded: number;
  pending: number;
  dropped: number;
}

/**
 * The edge gateway: source connectors → enrich, mask, validate, encode → disk buffer → Kafka.
 * A source batch is acknowledged only once it is durable in the buffer, so a kill -9 loses nothing a
 * source was told was delivered; the forwarder drains the buffer in order whenever Kafka is reachable.
 */
export class Gateway {
  private readonly counts = { received: 0, accepted: 0, duplicates: 0, deadLettered: 0, forwarded: 0 };
  private readonly connected = new Map<string, boolean>();

  private constructor(
    readonly config: GatewayConfig,
    private readonly log: SegmentLog,
    private readonly forwarder: Forwarder,
    private readonly runners: SourceRunner[],
    private readonly metrics: GatewayMetrics,
    private readonly closeOthers: Array<() => Promise<void>>,
    readonly observabilityUrl: string,
    private readonly heartbeat: Heartbeat | undefined,
  ) {}

  static async start(config: GatewayConfig, options: GatewayOptions): Promise<Gateway> {
    // The last lines stay in memory for the log-tail diagnostic.
    const logTail = new LogTail();
    const say = logTail.wrap(options.log ?? ((line: string) => console.error(line)));
    const contract = loadContract(join(options.root, config.contract), options.root);
    // Every reading is checked against `contract`; with raw.v2 they are published in batches under `batchContract`.
    const batches = config.kafka.contract === 'raw.v2' ? loadContract(join(options.root, config.batchContract), options.root) : undefined;
    const product = batches ?? contract;
    const topic = product.contract.kafka.topic;
    const metrics = new GatewayMetrics();
    const pseudonymiser = await Pseudonymiser.fromKeyFile(join(config.stateDir, 'keys', 'pseudonymisation.key'));
    const serde = new AvroSerde({ registryUrl: config.registryUrl, clientId: config.gatewayId });
    const writer = await resolveWriter(serde, topic, product.avroSchema, join(config.stateDir, 'writer-schema.json'), (error) =>
      say(`registry unreachable (${String(error)}); encoding with the schema id cached from an earlier start`),
    );
    const log = await SegmentLog.open({ dir: join(config.stateDir, 'buffer'), ...config.buffer, firstSequence: clockSequenceBase() });
    metrics.observeBuffer(() => log.stats);
    const redeliveries = new RedeliveryFilter(config.redelivery);
    redeliveries.seed(await log.lastSessionTail());
    const kafka = gatewayKafka(config);
    const producer = kafka.producer();

    // Callbacks below run only after start() has built the gateway.
    const ref: { gateway?: Gateway; events?: EventsProduct | undefined } = {};
    let lastBufferError: string | undefined;
    const forwarder = new Forwarder(
      log,
      producer,
      {
        batchRecords: config.forward.batchRecords,
        idleWaitMs: 50,
        prepare: async () => {
          await producer.connect();
          await ensureTopics(kafka, product);
          if (ref.events) await ensureTopics(kafka, ref.events.contract);
        },
      },
      {
        onForwarded: (count, lagMs) => {
          if (ref.gateway) ref.gateway.counts.forwarded += count;
          metrics.forwarded.inc(count);
          metrics.forwardLag.set(lagMs / 1000);
        },
        onUplinkChange: (up, error) => {
          metrics.uplink.set(up ? 1 : 0);
          say(up ? 'Kafka reachable again: draining the disk buffer' : `Kafka unreachable (${describe(error)}): buffering on disk`);
        },
        onDeadLettered: (refusal, connector) => {
          metrics.deadLetters.inc({ connector: connector ?? 'unknown', stage: 'forward', error: refusal.code });
          say(refusal.message);
        },
        onBufferError: (error) => {
          metrics.bufferErrors.inc();
          // Once per reason, not once per retry.
          const reason = describe(error);
          if (reason !== lastBufferError) say(`disk buffer: ${reason}`);
          lastBufferError = reason;
        },
      },
    );
    const ingestor = new Ingestor({
      log,
      contract,
      writer,
      ...(batches ? { batches } : {}),
      build: { gatewayId: config.gatewayId, contract: contract.contract, calibration: new Calibration(config.calibration), assets: new AssetModel(config.assets), pseudonymiser },
      personalKeys: ['operator', 'operatorBadge', 'user', 'userName'],
      redeliveries,
    });
    // Lineage is reported, not required: a site without an uplink still runs; the events go when they can.
    const lineage = options.lineage && gatewayLineageReporter(config, topic, product.avroSchema, options.lineage, say);
    const emitsEvents = config.connectors.some((entry, index) => {
      const spec = options.connectors[entry.type];
      return spec.emitsEvents?.(loadConfig(spec.config, entry.config, `connectors.${index}.config (${entry.name})`)) ?? false;
    });
    const eventsProduct = emitsEvents
      ? await EventsProduct.open({
          root: options.root,
          contractFile: config.eventsContract,
          stateDir: config.stateDir,
          gatewayId: config.gatewayId,
          serde,
          log,
          registry: metrics.registry,
          say,
        })
      : undefined;
    ref.events = eventsProduct;
    // The source each runner last created: operators' commands (acknowledge a condition) go to it.
    const liveSources = new Map<string, Source>();
    const runners = config.connectors.map((entry, index) => {
      const spec = options.connectors[entry.type];
      const connectorConfig = loadConfig(spec.config, entry.config, `connectors.${index}.config (${entry.name})`);
      const createSource = () => {
        const source = spec.create(connectorConfig, { instanceName: entry.name, stateDir: join(config.stateDir, 'connectors', entry.name) });
        liveSources.set(entry.name, source);
        return source;
      };
      // Log an outage once, and again only when its reason changes: no line per retry.
      let lastReason: string | undefined;
      return new SourceRunner(entry.name, createSource, {
        onBatch: async (batch) => {
          const outcome = await ingestor.ingest(entry.name, batch);
          await eventsProduct?.ingest(entry.name, batch.events ?? []);
          lineage?.observe(entry.name, sourceAddresses(batch.readings));
          const c = ref.gateway!.counts;
          c.received += batch.readings.length + batch.rejects.length;
          c.accepted += outcome.accepted;
          c.duplicates += outcome.duplicates;
          c.deadLettered += outcome.deadLettered.length;
          metrics.readingsIn.inc({ connector: entry.name }, batch.readings.length + batch.rejects.length);
          metrics.readingsAccepted.inc({ connector: entry.name }, outcome.accepted);
          metrics.duplicates.inc({ connector: entry.name }, outcome.duplicates);
          for (const dead of outcome.deadLettered) metrics.deadLetters.inc({ connector: entry.name, stage: dead.stage, error: dead.errorClass });
          forwarder.notify();
        },
        // While Kafka is up, read on only once the forwarder is within a few sends of the source: the broker keeps the rest.
        beforeNextRead: (signal) => forwarder.caughtUp(config.forward.batchRecords * BACKPRESSURE_SENDS, signal),
        onConnected: (up, error) => {
          metrics.connectorUp.set({ connector: entry.name }, up ? 1 : 0);
          ref.gateway?.connected.set(entry.name, up);
          const reason = up ? undefined : describe(error);
          if (reason && reason !== lastReason) say(`connector ${entry.name} disconnected (${reason}); reconnecting with backoff`);
          if (up && lastReason) say(`connector ${entry.name} connected`);
          lastReason = reason;
        },
        onReconnect: () => metrics.reconnects.inc({ connector: entry.name }),
      });
    });
    const server = await startObservabilityServer(config.observability.host, config.observability.port, metrics.registry, () => ref.gateway!.health());
    lineage?.start();
    const closeLineage = async () => lineage?.close();
    const diagnostics: GatewayDiagnostics = {
      health: () => ref.gateway!.health(),
      metricsText: () => metrics.registry.metrics(),
      logTail: (lines) => logTail.last(lines),
      effectiveConfig: () => config,
      bufferState: () => ref.gateway!.bufferState(),
      reconnect: (name) => {
        const runner = runners.find((r) => r.name === name);
        void runner?.reconnect();
        return runner !== undefined;
      },
    };
    const replies = config.commands && new ReplyPublisher(kafka, config.commands.repliesTopic, config.gatewayId);
    const commands =
      config.commands &&
      replies &&
      new GatewayCommands({ gatewayId: config.gatewayId, ...config.commands, sourceOf: (name) => liveSources.get(name), diagnostics, replies, registry: metrics.registry, say });
    const heartbeat =
      config.commands &&
      replies &&
      new Heartbeat({
        gatewayId: config.gatewayId,
        intervalSeconds: config.commands.heartbeatSeconds,
        state: () => ({ ...ref.gateway!.state(), buffer: ref.gateway!.bufferState(), ...(options.desiredState ? { desiredState: options.desiredState() } : {}) }),
        replies,
        say,
      });
    const closeCommands = async () => {
      await commands?.close();
      await heartbeat?.close();
      await replies?.close();
    };
    const gateway = new Gateway(
      config,
      log,
      forwarder,
      runners,
      metrics,
      [closeCommands, () => producer.disconnect(), () => server.close(), closeLineage],
      server.url,
      heartbeat || undefined,
    );
    ref.gateway = gateway;
    forwarder.start();
    for (const runner of runners) runner.start();
    void commands?.start(kafka);
    heartbeat?.start();
    return gateway;
  }

  /** Sends a heartbeat now (a desired state's outcome should not wait for the next beat); nothing without `commands`. */
  async beatNow(): Promise<void> {
    await this.heartbeat?.beat();
  }

  /** Where every message went so far. */
  stats(): GatewayCounts {
    const buffer = this.log.stats;
    this.metrics.bufferBytes.set(buffer.bytes);
    this.metrics.bufferPending.set(this.log.pending);
    this.metrics.dropped.set(buffer.droppedRecords);
    return { ...this.counts, pending: this.log.pending, dropped: buffer.droppedRecords };
  }

  /** Whether Kafka takes records and every connector is connected: the health report's and the heartbeat's state. */
  state(): Pick<GatewayHeartbeat, 'state' | 'uplink' | 'connectors'> {
    const connectors = Object.fromEntries(this.config.connectors.map((c) => [c.name, this.connected.get(c.name) ?? false]));
    const healthy = this.forwarder.uplink && Object.values(connectors).every(Boolean);
    return { state: healthy ? 'ok' : 'degraded', uplink: this.forwarder.uplink, connectors };
  }

  health(): HealthReport {
    const counts = this.stats();
    const { state, uplink, connectors } = this.state();
    return { status: state, gatewayId: this.config.gatewayId, uplink, connectors, ...counts };
  }

  /** The disk buffer as diagnostics and heartbeats show it. */
  bufferState(): GatewayBufferState {
    const stats = this.log.stats;
    const pending = this.log.pending;
    return {
      segments: stats.segments,
      bytes: stats.bytes,
      pendingRecords: pending,
      oldestUnackedSeq: pending > 0 ? stats.committedSeq + 1 : null,
      droppedRecords: stats.droppedRecords,
    };
  }

  /** Stops sources first, then lets the forwarder finish its batch; the buffer keeps the rest. Idempotent. */
  async close(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.close()));
    await this.forwarder.close();
    for (const close of this.closeOthers) await close().catch(() => undefined);
    await this.log.close();
  }
}

/** The gateway's Kafka cluster, as its config names it (the gateway's own principal). */
export function gatewayKafka(config: GatewayConfig): KafkaPort {
  return createKafka({
    clientId: config.gatewayId,
    brokers: config.kafka.brokers,
    ...(config.kafka.client ? { client: config.kafka.client } : {}),
    ...(config.kafka.security ? { security: config.kafka.security } : {}),
  });
}

/** The product topic and its dead-letter topic as the contract says (governance's one provisioning path; the serde registers the schema). */
async function ensureTopics(kafka: KafkaPort, contract: LoadedContract): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await provisionTopics(admin, contract);
  } finally {
    await admin.disconnect();
  }
}

/** An error and its causes on one line, for the operator log. */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 4; e = e instanceof Error ? e.cause : undefined) parts.push(String(e));
  return parts.join(' <- ');
}
