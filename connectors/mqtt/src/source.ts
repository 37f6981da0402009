import { NotConnected, type ConnectorContext, type Source, type SourceBatch, type SourceReading, type SourceReject } from '@fieldmesh/connect';
import { MqttConnection, primaryHostStateTopic, type Subscription } from './client';
import type { DeliveryGuard } from './delivery.guard';
import type { MqttSourceConfig } from './config';
import { boundedReject, type InboundMessage, type MessageDecoder } from './decoded-message';
import { JsonDecoder } from './json.decoder';
import { PubackSequencer, type PendingAck } from './puback.sequencer';
import { emptyMetrics, type MqttSourceMetrics } from './source.metrics';
import { BirthStore } from './births.store';
import type { BirthRegistry } from './sparkplug.births';
import { SparkplugDecoder } from './sparkplug.decoder';
import { SubscriptionManager } from './subscription.manager';
import { rebirthCommand } from './sparkplug.payload';
import { ncmdTopic, SPARKPLUG_NAMESPACE } from './sparkplug.topic';
import { parseTopicPattern } from './topic.pattern';

const SPARKPLUG_TOPICS = ['NBIRTH/+', 'NDEATH/+', 'NDATA/+', 'DBIRTH/+/+', 'DDEATH/+/+', 'DDATA/+/+'];

/**
 * Explicit subscriptions, or the filters the mapping rules (JSON) or Sparkplug groups need; a primary host
 * also follows its own STATE topic (the connection answers an offline there, see MqttConnection.reassertOnline).
 */
export function subscriptionsFor(config: MqttSourceConfig): Subscription[] {
  const stateTopic = primaryHostStateTopic(config);
  const own = stateTopic ? [{ topic: stateTopic, qos: 0 as const }] : [];
  if (config.subscriptions) return [...config.subscriptions, ...own];
  const topics =
    config.format === 'json'
      ? config.mappings.map((mapping) => parseTopicPattern(mapping.topic).filter)
      : config.sparkplug.groupIds.flatMap((group) => SPARKPLUG_TOPICS.map((suffix) => `${SPARKPLUG_NAMESPACE}/${group}/${suffix}`));
  return [...[...new Set(topics)].map((topic) => ({ topic, qos: 1 as const })), ...own];
}

interface Received {
  message: InboundMessage;
  ack?: PendingAck;
  subscriptionIdentifiers: number[];
}

/** State of one MQTT connection; a new one (and new PUBACK bookkeeping) after every reconnect. */
interface Session {
  connection: MqttConnection;
  guard: DeliveryGuard;
  sequencer: PubackSequencer;
  queue: Received[];
  lastArrival: number;
  lost?: Error;
}

/**
 * MQTT source: reads batches of up to `batchMaxMessages` messages (or whatever arrived within
 * `batchMaxWaitMs` of the first), decodes them to readings and rejects, and sends the QoS 1 PUBACKs only
 * when the runtime acks the batch. A nack, like a crash, leaves them unacknowledged: the connection is
 * dropped, `read` throws NotConnected, and the broker redelivers them when the runtime reconnects.
 */
export class MqttSource implements Source {
  private session: Session | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly decoder: MessageDecoder;
  private readonly counters = emptyMetrics();
  /** Sparkplug only: birth certificates and where they are kept across restarts. */
  private readonly births?: { registry: BirthRegistry; store: BirthStore };
  private readonly subscriptions: SubscriptionManager;

  constructor(
    private readonly config: MqttSourceConfig,
    private readonly context: ConnectorContext,
  ) {
    if (config.format === 'json') {
      this.decoder = new JsonDecoder(config.mappings, config.json, config.maxPayloadBytes);
    } else {
      const store = new BirthStore(context.stateDir);
      this.births = { registry: store.load(), store };
      this.decoder = new SparkplugDecoder(config.sparkplug, config.maxPayloadBytes, this.births.registry);
    }
    this.subscriptions = new SubscriptionManager(config, subscriptionsFor(config), context.stateDir, this.counters, (message) =>
      console.warn(`[connector-mqtt] ${context.instanceName}: ${message}`),
    );
  }

  /** A snapshot of the counters. */
  metrics(): MqttSourceMetrics {
    return { ...this.counters, rejectsByErrorClass: { ...this.counters.rejectsByErrorClass } };
  }

  async connect(): Promise<void> {
    if (this.session && !this.session.lost) return;
    this.closed = false;
    const session: Omit<Session, 'connection' | 'guard'> = { sequencer: new PubackSequencer(), queue: [], lastArrival: 0 };
    const connection = await MqttConnection.open(
      this.config,
      {
        // Messages may arrive before open() resolves: the broker resends unacknowledged ones right after CONNACK.
        message: (message, messageId, subscriptionIdentifiers) => {
          if (session.lost) return; // the broker resends it on the next connection
          session.queue.push({ message, subscriptionIdentifiers, ...(messageId !== undefined ? { ack: session.sequencer.received(messageId) } : {}) });
          session.lastArrival = Date.now();
          this.wake?.();
        },
        closed: () => {
          if (session.lost) return;
          session.lost = new Error('connection to the broker closed');
          this.counters.connectionsLost++;
          this.wake?.();
        },
      },
      this.context.instanceName,
    );
    let guard: DeliveryGuard;
    try {
      guard = await this.subscriptions.establish(connection);
      await connection.publishHostState(true);
    } catch (error) {
      session.lost = error as Error;
      await connection.close(true);
      throw error;
    }
    this.session = Object.assign(session, { connection, guard });
  }

  async read(signal: AbortSignal): Promise<SourceBatch> {
    for (;;) {
      const session = this.liveSession();
      while (session.queue.length === 0 && !session.lost && !this.closed) await this.nextEvent(signal);
      this.liveSession();
      // Let the batch fill up to its size, but not beyond batchMaxWaitMs, and not once the messages stop
      // coming: the broker may be holding the rest back until we PUBACK (its in-flight window).
      const deadline = Date.now() + this.config.batchMaxWaitMs;
      const filling = () => session.queue.length < this.config.batchMaxMessages && !session.lost && !this.closed;
      while (filling() && Date.now() < Math.min(deadline, session.lastArrival + this.config.batchIdleMs)) {
        await this.nextEvent(signal, Math.min(deadline, session.lastArrival + this.config.batchIdleMs));
      }
      this.liveSession();

      const taken = session.queue.splice(0, this.config.batchMaxMessages);
      const readings: SourceReading[] = [];
      const rejects: SourceReject[] = [];
      let decodedCount = 0;
      for (const { message, subscriptionIdentifiers } of taken) {
        // Messages of many metrics: the rest wait in the queue (in order) for the next batch.
        if (decodedCount > 0 && readings.length + rejects.length >= this.config.batchMaxRecords) break;
        decodedCount++;
        const { verdict, staleEvidence } = session.guard.judge(message, subscriptionIdentifiers);
        if (staleEvidence) this.subscriptions.sweep(session.connection, message.topic);
        // Not passed on, but acknowledged with the batch like the rest, so PUBACKs keep their order.
        if (verdict === 'outside') this.counters.messagesOutsideSubscriptions++;
        if (verdict === 'duplicate') this.counters.duplicateCopiesDropped++;
        if (verdict !== 'accept') continue;
        const result = this.decoder.decode(message);
        for (const reading of result.readings) readings.push(reading);
        for (const reject of result.rejects) rejects.push(boundedReject(reject, this.config.maxEvidenceBytes));
        this.counters.sparkplugSeqGaps += result.seqGaps;
        this.counters.sparkplugDeaths += result.deaths;
        for (const rebirth of result.rebirths) {
          this.counters.sparkplugRebirthsRequested++;
          // QoS 0 as Sparkplug specifies for commands; a lost request is repeated at the next unknown alias.
          void session.connection.publish(ncmdTopic(rebirth.group, rebirth.node), rebirthCommand(Date.now()), 0).catch(() => undefined);
        }
      }
      session.queue.unshift(...taken.splice(decodedCount));
      this.counters.messagesIn += taken.length;
      this.births?.store.save(this.births.registry);
      const acks = taken.flatMap(({ ack }) => (ack ? [ack] : []));
      if (readings.length === 0 && rejects.length === 0) {
        // Births without values, commands, stale deaths: nothing for the runtime, acknowledge right away.
        this.acknowledge(session, acks);
        continue;
      }
      return this.batch(session, readings, rejects, acks);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    this.wake?.();
    if (session && !session.lost) {
      session.lost = new Error('source closed');
      await session.connection.close();
    }
  }

  private batch(session: Session, readings: SourceReading[], rejects: SourceReject[], acks: PendingAck[]): SourceBatch {
    let settled = false;
    return {
      readings,
      rejects,
      ack: async () => {
        if (settled) return;
        settled = true;
        this.counters.readingsOut += readings.length;
        for (const reject of rejects) this.counters.rejectsByErrorClass[reject.errorClass] = (this.counters.rejectsByErrorClass[reject.errorClass] ?? 0) + 1;
        this.counters.batchesAcked++;
        this.acknowledge(session, acks);
      },
      nack: async () => {
        if (settled) return;
        settled = true;
        this.counters.batchesNacked++;
        if (session.lost) return; // already gone: the broker resends anyway
        // MQTT has no negative acknowledgement: only a new connection makes the broker resend.
        session.lost = new Error('a batch was nacked; reconnecting makes the broker redeliver it');
        this.wake?.();
        await session.connection.close(true);
      },
    };
  }

  /** PUBACKs on the connection the messages came in on; after a reconnect the broker resends them instead. */
  private acknowledge(session: Session, acks: readonly PendingAck[]): void {
    if (acks.length === 0) return;
    const messageIds = session.sequencer.acknowledge(acks);
    if (session.lost) return;
    for (const messageId of messageIds) session.connection.puback(messageId);
  }

  private liveSession(): Session {
    const session = this.session;
    if (!session || session.lost) {
      throw new NotConnected(this.context.instanceName, this.config.url, session?.lost ? { cause: session.lost } : undefined);
    }
    return session;
  }

  /** Resolves at the next message, connection loss or close, or at `deadline`; throws when aborted. */
  private async nextEvent(signal: AbortSignal, deadline?: number): Promise<void> {
    signal.throwIfAborted();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = deadline === undefined ? undefined : setTimeout(done, Math.max(0, deadline - Date.now()));
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
    signal.throwIfAborted();
  }
}
