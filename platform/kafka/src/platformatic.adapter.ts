import {
  Admin,
  ConfigResourceTypes,
  Consumer,
  IncrementalAlterConfigOperationTypes,
  type Message,
  type MessagesStream,
  murmur2,
  ProduceAcks,
  Producer,
} from '@platformatic/kafka';
import type { KafkaAdapter } from './adapter';
import type { ConsumerSettings, KafkaClientSettings, ProducerSettings } from './config';
import { KafkaAdminFailed, KafkaNotConnected, KafkaProduceFailed, TopicCreationFailed, TopicNotFound } from './errors';
import type {
  BatchCommit,
  BatchHandler,
  ConsumedRecord,
  KafkaAdminPort,
  KafkaConsumerPort,
  KafkaProducerPort,
  OutgoingRecord,
  RecordMetadata,
  TopicSpec,
} from './ports';
import { groupByTopic, headerBuffers, keyBuffer, sleep } from './records';

/** @platformatic/kafka: maintained, pure JavaScript, no native addon. */
export function platformaticAdapter(config: KafkaClientSettings): KafkaAdapter {
  // About as patient as kafkajs's defaults (5 retries, exponential from 300 ms): a broker that has just
  // started answers NOT_COORDINATOR for a few seconds while it creates __consumer_offsets.
  const base = { clientId: config.clientId, bootstrapBrokers: config.brokers, retries: 10, retryDelay: 1_000 };
  return {
    producer: (settings) => new PlatformaticProducer(base, settings),
    consumer: (settings) => new PlatformaticConsumer(base, settings),
    admin: () => new PlatformaticAdmin(base),
  };
}

interface BaseOptions {
  clientId: string;
  bootstrapBrokers: string[];
  retries: number;
  retryDelay: number;
}

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * Keyed records go where the Java client and kafkajs put them (murmur2 masked positive, modulo the
 * partition count, applied by the library); the library's own default uses the unsigned hash instead,
 * which sends about half the keys to another partition than every other producer of the same topic.
 */
function javaCompatiblePartitioner(): (message: unknown, key: Buffer | undefined) => number {
  let next = 0;
  return (_message, key) => (key ? murmur2(key) & 0x7fffffff : next++ & 0x7fffffff);
}

class PlatformaticProducer implements KafkaProducerPort {
  private producer: Producer<Buffer, Buffer, Buffer, Buffer> | undefined;

  constructor(
    private readonly base: BaseOptions,
    private readonly settings: ProducerSettings,
  ) {}

  async connect(): Promise<void> {
    if (this.producer) return;
    const producer = new Producer({
      ...this.base,
      // The library limits an idempotent producer to one request in flight, as kafkajs is configured.
      idempotent: true,
      acks: ProduceAcks.ALL,
      compression: this.settings.compression,
      autocreateTopics: false,
      partitioner: javaCompatiblePartitioner(),
    });
    try {
      await producer.metadata({ topics: [] });
    } catch (error) {
      await producer.close();
      throw error;
    }
    this.producer = producer;
  }

  async send(records: OutgoingRecord[]): Promise<RecordMetadata[]> {
    if (!this.producer) throw new KafkaNotConnected('producer');
    try {
      const result = await this.producer.send({
        messages: records.map((record) => ({
          topic: record.topic,
          key: keyBuffer(record.key) ?? undefined,
          value: record.value ?? undefined,
          headers: new Map(headerBuffers(record.headers).map(([name, value]) => [Buffer.from(name), value])),
          ...(record.partition === undefined ? {} : { partition: record.partition }),
          ...(record.timestamp === undefined ? {} : { timestamp: BigInt(record.timestamp) }),
        })),
      });
      return (result.offsets ?? []).map((o) => ({ topic: o.topic, partition: o.partition, baseOffset: o.offset.toString() }));
    } catch (cause) {
      throw new KafkaProduceFailed([...groupByTopic(records).keys()], records.length, { cause });
    }
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.close();
  }
}

function toConsumedRecord(message: KafkaMessage): ConsumedRecord {
  const headers: Record<string, Buffer> = {};
  // A repeated header name keeps the last value, like Kafka Connect's lastWithName.
  for (const [name, value] of message.headerEntries) headers[name.toString()] = value;
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
    timestamp: Number(message.timestamp),
  };
}

/**
 * The library delivers a stream of single messages; this consumer groups them into batches of at most
 * maxBatchRecords, hands each batch to the handler and commits the next offset of every partition in it
 * only when the handler's promise resolves. When the handler rejects (or the stream fails), the stream
 * is reopened from the committed offsets, which delivers the failed batch again and loses nothing.
 */
class PlatformaticConsumer implements KafkaConsumerPort {
  private consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private buffer: KafkaMessage[] = [];
  private streamError: unknown;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly base: BaseOptions,
    private readonly settings: ConsumerSettings,
  ) {}

  async connect(): Promise<void> {
    if (this.consumer) return;
    const s = this.settings;
    const consumer = new Consumer({
      ...this.base,
      groupId: s.groupId,
      autocommit: false,
      sessionTimeout: s.sessionTimeoutMs,
      heartbeatInterval: Math.floor(s.sessionTimeoutMs / 10),
      maxWaitTime: s.maxWaitMs,
    });
    try {
      await consumer.metadata({ topics: [] });
    } catch (error) {
      await consumer.close();
      throw error;
    }
    this.consumer = consumer;
  }

  async run(handler: BatchHandler): Promise<void> {
    if (!this.consumer) throw new KafkaNotConnected('consumer');
    this.running = true;
    await this.openStream();
    this.loop = this.pump(handler);
  }

  private async openStream(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    const s = this.settings;
    const stream = await consumer.consume({
      topics: s.topics,
      autocommit: false,
      mode: 'committed',
      fallbackMode: s.fromBeginning ? 'earliest' : 'latest',
      maxWaitTime: s.maxWaitMs,
      sessionTimeout: s.sessionTimeoutMs,
      heartbeatInterval: Math.floor(s.sessionTimeoutMs / 10),
    });
    this.stream = stream;
    this.buffer = [];
    this.streamError = undefined;
    stream.on('data', (message: KafkaMessage) => {
      if (this.stream !== stream) return;
      this.buffer.push(message);
      // Backpressure: stop fetching while a couple of batches wait for the handler.
      if (this.buffer.length >= 2 * s.maxBatchRecords) stream.pause();
      this.wake?.();
    });
    stream.on('error', (error: unknown) => {
      if (this.stream !== stream) return;
      this.streamError = error;
      this.wake?.();
    });
  }

  /** Drops what was fetched but not committed and starts again from the group's committed offsets. */
  private async reopenStream(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    this.buffer = [];
    await stream?.close().catch(() => undefined);
    await sleep(this.settings.retryBackoffMs);
    if (this.running) await this.openStream();
  }

  private waitForRecords(): Promise<void> {
    if (this.buffer.length > 0 || !this.running || this.streamError !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async pump(handler: BatchHandler): Promise<void> {
    while (this.running) {
      await this.waitForRecords();
      if (!this.running) break;
      if (this.streamError !== undefined) {
        await this.reopenStream().catch((error) => this.retryLater(error));
        continue;
      }
      // One fetch response arrives as a burst of synchronous 'data' events: let it land before cutting.
      await new Promise((resolve) => setImmediate(resolve));
      const messages = this.buffer.splice(0, this.settings.maxBatchRecords);
      if (this.buffer.length < this.settings.maxBatchRecords && this.stream?.isPaused()) this.stream.resume();
      let result: void | BatchCommit;
      try {
        result = await handler({ records: messages.map(toConsumedRecord) });
      } catch {
        await this.reopenStream().catch((error) => this.retryLater(error));
        continue;
      }
      await this.commit(result ? positionsOf(result) : batchEnds(messages)).catch(() =>
        this.reopenStream().catch((error) => this.retryLater(error)),
      );
    }
  }

  /** Reopening failed (broker away): keep the error so the next round tries again after the backoff. */
  private retryLater(error: unknown): void {
    this.streamError = error;
  }

  private async commit(offsets: CommitPosition[]): Promise<void> {
    if (offsets.length > 0) await this.consumer?.commit({ offsets });
  }

  async disconnect(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.running = false;
    this.wake?.();
    // Let a batch in progress finish and commit before leaving the group.
    await this.loop;
    this.stream = undefined;
    await consumer?.close(true);
  }
}

interface CommitPosition {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
}

/** The next offset of every partition in the batch. */
function batchEnds(messages: KafkaMessage[]): CommitPosition[] {
  const next = new Map<string, CommitPosition>();
  for (const m of messages) {
    next.set(`${m.topic}\0${m.partition}`, { topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: m.leaderEpoch });
  }
  return [...next.values()];
}

/** Positions a handler chose; their leader epoch is unknown (-1), which the broker accepts. */
function positionsOf(result: BatchCommit): CommitPosition[] {
  return result.commit.map((c) => ({ topic: c.topic, partition: c.partition, offset: BigInt(c.offset), leaderEpoch: -1 }));
}

class PlatformaticAdmin implements KafkaAdminPort {
  private admin: Admin | undefined;

  constructor(private readonly base: BaseOptions) {}

  async connect(): Promise<void> {
    if (this.admin) return;
    const admin = new Admin(this.base);
    try {
      await admin.metadata({ topics: [] });
    } catch (error) {
      await admin.close();
      throw error;
    }
    this.admin = admin;
  }

  private connected(): Admin {
    if (!this.admin) throw new KafkaNotConnected('admin');
    return this.admin;
  }

  async createTopics(topics: TopicSpec[]): Promise<string[]> {
    const admin = this.connected();
    const created: string[] = [];
    // Partitions, replicas and configs apply to a whole request, so one request per topic.
    for (const spec of topics) {
      try {
        await admin.createTopics({
          topics: [spec.topic],
          partitions: spec.partitions,
          replicas: spec.replicationFactor,
          configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
        });
        created.push(spec.topic);
      } catch (cause) {
        if (hasApiError(cause, 'TOPIC_ALREADY_EXISTS')) continue;
        throw new TopicCreationFailed(spec.topic, this.base.bootstrapBrokers, { cause });
      }
    }
    return created;
  }

  async listTopics(): Promise<string[]> {
    return this.connected().listTopics();
  }

  async describeTopicConfigs(topic: string): Promise<Record<string, string>> {
    try {
      const [resource] = await this.connected().describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }],
      });
      return Object.fromEntries((resource?.configs ?? []).filter((c) => c.value !== null).map((c) => [c.name, c.value as string]));
    } catch (cause) {
      throw adminError('describeTopicConfigs', topic, cause);
    }
  }

  async alterTopicConfigs(topic: string, configs: Record<string, string>): Promise<void> {
    try {
      // Incremental: configs not named here keep their values.
      await this.connected().incrementalAlterConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: topic,
            configs: Object.entries(configs).map(([name, value]) => ({
              name,
              value,
              configOperation: IncrementalAlterConfigOperationTypes.SET,
            })),
          },
        ],
      });
    } catch (cause) {
      throw adminError('alterTopicConfigs', topic, cause);
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    try {
      await this.connected().deleteTopics({ topics });
    } catch (cause) {
      throw adminError('deleteTopics', topics.join(','), cause);
    }
  }

  async fetchGroupOffsets(groupId: string, topic: string): Promise<Array<{ partition: number; offset: string }>> {
    try {
      const partitions = await this.partitionsOf(topic);
      const [group] = await this.connected().listConsumerGroupOffsets({
        groups: [{ groupId, topics: [{ name: topic, partitionIndexes: partitions }] }],
      });
      const found = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
      return found.map((p) => ({ partition: p.partitionIndex, offset: p.committedOffset.toString() })).sort((a, b) => a.partition - b.partition);
    } catch (cause) {
      throw adminError('fetchGroupOffsets', `${groupId}/${topic}`, cause);
    }
  }

  async fetchTopicEndOffsets(topic: string): Promise<Array<{ partition: number; offset: string }>> {
    try {
      const partitions = await this.partitionsOf(topic);
      const [listed] = await this.connected().listOffsets({
        // Timestamp -1 asks for the latest offset, i.e. the high watermark.
        topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
      });
      return (listed?.partitions ?? []).map((p) => ({ partition: p.partitionIndex, offset: p.offset.toString() })).sort((a, b) => a.partition - b.partition);
    } catch (cause) {
      throw adminError('fetchTopicEndOffsets', topic, cause);
    }
  }

  private async partitionsOf(topic: string): Promise<number[]> {
    const metadata = await this.connected().metadata({ topics: [topic], forceUpdate: true });
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    return Array.from({ length: count }, (_, i) => i);
  }

  async disconnect(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.close();
  }
}

function hasApiError(error: unknown, apiId: string): boolean {
  const findBy = (error as { findBy?: (property: string, value: unknown) => unknown } | null)?.findBy;
  return typeof findBy === 'function' && findBy.call(error, 'apiId', apiId) !== null;
}

function adminError(operation: string, target: string, cause: unknown): Error {
  if (hasApiError(cause, 'UNKNOWN_TOPIC_OR_PARTITION')) return new TopicNotFound(target, operation);
  return new KafkaAdminFailed(operation, target, { cause });
}
