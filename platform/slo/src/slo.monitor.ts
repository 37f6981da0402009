import { randomUUID } from 'node:crypto';
import type { LoadedContract } from '@fieldmesh/governance';
import type { KafkaConsumerPort, KafkaPort, KafkaProducerPort, OutgoingRecord } from '@fieldmesh/kafka';
import { SloTopicsMissing } from './errors';
import { parseSloMonitorSettings, type SloMonitorSettings } from './slo-monitor.config';
import { SloEvaluator } from './slo.evaluator';
import { objectivesOf } from './slo.objectives';
import { ensureSloTopic, sloEventKey } from './slo.topic';
import { systemClock, type Clock, type SloEvent, type SloExpectations, type SloRecord, type SloStatus } from './slo.types';

export interface SloMonitorOptions {
  kafka: KafkaPort;
  /** The data products to watch; their topics must exist. */
  contracts: LoadedContract[];
  /** Expected records per second per contract id and line path, from the asset catalogue. */
  expectations?: SloExpectations;
  topic?: string;
  tickMs?: number;
  groupId?: string;
  lineDepth?: number;
  recentEvents?: number;
  replicationFactor?: number;
  clock?: Clock;
  /** Called with every transition as it is seen (before it is produced). */
  onEvent?: (event: SloEvent) => void;
  /** Where a failure to publish events is reported; they are retried on the next tick. */
  warn?: (line: string) => void;
}

export interface SloMonitor {
  readonly topic: string;
  readonly tickMs: number;
  /** Every SLO of every watched scope as of the last tick. */
  status(): SloStatus[];
  /** Transitions seen by this monitor, oldest first, at most `recentEvents`. */
  events(): SloEvent[];
  /** Evaluates now and publishes what changed; the monitor also does this every tick. */
  tick(): Promise<SloEvent[]>;
  /** Stops the tick, publishes what is pending and disconnects. Idempotent. */
  close(): Promise<void>;
}

/**
 * Watches data product topics and publishes their SLO transitions to `_fieldmesh.slo` (created when
 * missing). It reads record keys and timestamps only, from the latest records on (a fresh consumer group
 * per start unless one is given), and evaluates every `tickMs`, at most a quarter of the smallest
 * freshness maxAge, so a stopped source shows within one freshness interval.
 */
export async function startSloMonitor(options: SloMonitorOptions): Promise<SloMonitor> {
  const products = options.contracts.map((loaded) => objectivesOf(loaded.contract));
  const settings = parseSloMonitorSettings(
    {
      topic: options.topic,
      tickMs: options.tickMs,
      groupId: options.groupId,
      lineDepth: options.lineDepth,
      recentEvents: options.recentEvents,
      replicationFactor: options.replicationFactor,
      expectations: options.expectations,
    },
    products,
  );
  const topics = products.map((product) => product.topic);
  await prepareTopics(options.kafka, settings, topics);

  const producer = options.kafka.producer();
  await producer.connect();
  const consumer = options.kafka.consumer({
    groupId: settings.groupId ?? `fieldmesh-slo-monitor-${randomUUID()}`,
    topics,
    fromBeginning: false,
    maxBatchRecords: 10_000,
    maxWaitMs: Math.min(500, settings.tickMs),
  });
  // Records handed over before the evaluator exists (while run() resolves) are kept for it.
  const early: SloRecord[] = [];
  let take: (record: SloRecord) => void = (record) => early.push(record);
  try {
    await consumer.connect();
    await consumer.run(async (batch) => {
      for (const record of batch.records) {
        take({ topic: record.topic, key: record.key?.toString('utf8') ?? null, timestampMs: record.timestamp });
      }
    });
  } catch (error) {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    throw error;
  }
  // Created once the group has joined: completeness windows count from when records can arrive.
  const evaluator = new SloEvaluator({ products, expectations: settings.expectations, clock: options.clock ?? systemClock, lineDepth: settings.lineDepth });
  for (const record of early.splice(0)) evaluator.record(record);
  take = (record) => evaluator.record(record);
  return new RunningSloMonitor(evaluator, settings, producer, consumer, options);
}

async function prepareTopics(kafka: KafkaPort, settings: SloMonitorSettings, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) throw new SloTopicsMissing(missing);
    await ensureSloTopic(admin, settings.topic, settings.replicationFactor);
  } finally {
    await admin.disconnect();
  }
}

class RunningSloMonitor implements SloMonitor {
  readonly topic: string;
  readonly tickMs: number;
  private readonly recent: SloEvent[] = [];
  /** Events not yet acknowledged by Kafka, oldest first. */
  private readonly outbox: SloEvent[] = [];
  private readonly timer: NodeJS.Timeout;
  private ticking: Promise<SloEvent[]> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly evaluator: SloEvaluator,
    private readonly settings: SloMonitorSettings,
    private readonly producer: KafkaProducerPort,
    private readonly consumer: KafkaConsumerPort,
    private readonly options: Pick<SloMonitorOptions, 'onEvent' | 'warn'>,
  ) {
    this.topic = settings.topic;
    this.tickMs = settings.tickMs;
    this.timer = setInterval(() => void this.tick(), settings.tickMs);
  }

  status(): SloStatus[] {
    return this.evaluator.status();
  }

  events(): SloEvent[] {
    return [...this.recent];
  }

  tick(): Promise<SloEvent[]> {
    // One evaluation at a time: a slow publish must not interleave two ticks' events.
    this.ticking ??= this.evaluateAndPublish().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      await this.ticking;
      await this.publish();
      await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect()]);
    })();
    return this.closing;
  }

  private async evaluateAndPublish(): Promise<SloEvent[]> {
    const events = this.evaluator.evaluate();
    for (const event of events) {
      this.recent.push(event);
      this.outbox.push(event);
      this.options.onEvent?.(event);
    }
    this.recent.splice(0, Math.max(0, this.recent.length - this.settings.recentEvents));
    await this.publish();
    return events;
  }

  private async publish(): Promise<void> {
    if (this.outbox.length === 0) return;
    const sending = this.outbox.slice();
    const records: OutgoingRecord[] = sending.map((event) => ({
      topic: this.topic,
      key: sloEventKey(event.topic, event.slo, event.scope),
      value: Buffer.from(JSON.stringify(event)),
      timestamp: Date.parse(event.at),
    }));
    try {
      await this.producer.send(records);
      this.outbox.splice(0, sending.length);
    } catch (error) {
      this.options.warn?.(
        `SLO monitor: ${sending.length} event(s) not yet published to ${this.topic} (${(error as Error).message}); retrying on the next tick. Check that Kafka is reachable.`,
      );
    }
  }
}
