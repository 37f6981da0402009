import kafkajs, { type Admin, type Consumer, type Kafka, type KafkaConfig, type KafkaMessage, type Producer } from 'kafkajs';
import type { ConsumerSettings, KafkaClientSettings, ProducerSettings } from './config';
import type { ResolvedKafkaSecurity } from './kafka.security';
import { KafkaAdminFailed, KafkaConfigInvalid, KafkaNotConnected, KafkaProduceFailed, TopicCreationFailed, TopicNotFound } from './errors';
import { registerKafkajsCodecs } from './kafkajs.codecs';
import type {
  BatchCommit,
  BatchHandler,
  CommitOffset,
  ConsumedRecord,
  KafkaAdminPort,
  PartitionReplicas,
  KafkaConsumerPort,
  KafkaProducerPort,
  OutgoingRecord,
  RecordMetadata,
  TopicPartition,
  TopicSpec,
} from './ports';
import { chunk, groupByTopic, headerBuffers, keyBuffer, nextOffset, sleep } from './records';
import type { KafkaAdapter } from './adapter';

const partitionKey = (topic: string, partition: number): string => `${topic}\0${partition}`;

const { CompressionTypes, ConfigResourceTypes, Kafka: KafkaClient, Partitioners, logLevel } = kafkajs;

const COMPRESSION = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
} as const;

/** kafkajs (unmaintained since 2023, tulios/kafkajs#1603), kept as the port's second adapter. */
export function kafkajsAdapter(config: KafkaClientSettings, security: ResolvedKafkaSecurity): KafkaAdapter {
  registerKafkajsCodecs();
  const secured: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.protocol === 'SASL_SSL') {
    const { username, password } = security.sasl;
    secured.ssl = security.ca ? { ca: [security.ca] } : true;
    secured.sasl = security.sasl.mechanism === 'SCRAM-SHA-512' ? { mechanism: 'scram-sha-512', username, password } : { mechanism: 'scram-sha-256', username, password };
  }
  // Warnings and errors only: healthy operation logs nothing.
  const kafka = new KafkaClient({ clientId: config.clientId, brokers: config.brokers, logLevel: logLevel.WARN, ...secured });
  return {
    producer: (settings) => new KafkajsProducer(kafka, settings),
    consumer: (settings) => new KafkajsConsumer(kafka, settings),
    admin: () => new KafkajsAdmin(kafka, config.brokers),
  };
}

class KafkajsProducer implements KafkaProducerPort {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: ProducerSettings,
  ) {}

  async connect(): Promise<void> {
    if (this.producer) return;
    // One request in flight keeps the idempotent producer's sequence numbers in order (as @platformatic/kafka does).
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // kafkajs bounds retries by count only: waits capped at 1 s, as many as fit in the delivery timeout (roughly).
      retry: { maxRetryTime: 1_000, retries: Math.ceil(this.settings.deliveryTimeoutMs / 1_000) },
    });
    await producer.connect();
    this.producer = producer;
  }

  async send(records: OutgoingRecord[]): Promise<RecordMetadata[]> {
    if (!this.producer) throw new KafkaNotConnected('producer');
    const byTopic = groupByTopic(records);
    try {
      const results = await this.producer.sendBatch({
        acks: -1,
        compression: COMPRESSION[this.settings.compression],
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((record) => ({
            key: keyBuffer(record.key),
            value: record.value,
            headers: Object.fromEntries(headerBuffers(record.headers)),
            ...(record.partition === undefined ? {} : { partition: record.partition }),
            ...(record.timestamp === undefined ? {} : { timestamp: String(record.timestamp) }),
          })),
        })),
      });
      return results.map((r) => ({ topic: r.topicName, partition: r.partition, baseOffset: String(r.baseOffset) }));
    } catch (cause) {
      throw new KafkaProduceFailed([...byTopic.keys()], records.length, { cause });
    }
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }
}

function toConsumedRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    // A repeated header name arrives as an array; like Kafka Connect's lastWithName, the last one wins.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) headers[name] = Buffer.isBuffer(last) ? last : Buffer.from(last);
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers,
    timestamp: Number(message.timestamp),
  };
}

class KafkajsConsumer implements KafkaConsumerPort {
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: ConsumerSettings,
  ) {
    // kafkajs has transactions and sendOffsets, but its TxnOffsetCommit carries no group generation or member
    // (KIP-447): a member the group dropped could still commit its old partitions' offsets, so no exactly-once.
    if (settings.transactionalId !== undefined) {
      throw new KafkaConfigInvalid('Kafka consumer options', [
        { path: 'transactionalId', message: 'exactly-once needs the platformatic client (kafkajs cannot fence offsets by group generation); set client: platformatic' },
      ]);
    }
  }

  async connect(): Promise<void> {
    if (this.consumer) return;
    const s = this.settings;
    const consumer = this.kafka.consumer({
      groupId: s.groupId,
      sessionTimeout: s.sessionTimeoutMs,
      heartbeatInterval: Math.floor(s.sessionTimeoutMs / 10),
      maxWaitTimeInMs: s.maxWaitMs,
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    this.consumer = consumer;
  }

  async run(handler: BatchHandler): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) throw new KafkaNotConnected('consumer');
    const s = this.settings;
    await consumer.subscribe({ topics: s.topics, fromBeginning: s.fromBeginning });
    const joined = new Promise<void>((resolve, reject) => {
      const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
        offJoin();
        offCrash();
        resolve();
      });
      const offCrash = consumer.on(consumer.events.CRASH, (event) => {
        offJoin();
        offCrash();
        reject(event.payload.error);
      });
    });
    const committed = new Map<string, CommitOffset>();
    // The share of the last join: kafkajs rejoins only between batches, so it holds for the batch being handled.
    let assignment: TopicPartition[] = [];
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      assignment = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
    });
    await consumer.run({
      // Offsets are committed by hand, only after the handler's promise resolves.
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (const messages of chunk(batch.messages, s.maxBatchRecords)) {
          if (!isRunning() || isStale()) return;
          const first = messages[0];
          const last = messages[messages.length - 1];
          if (!first || !last) return;
          let result: void | BatchCommit;
          try {
            result = await handler({ records: messages.map((m) => toConsumedRecord(batch.topic, batch.partition, m)), assignment });
          } catch {
            // Not committed: resume every partition from its last committed position after a pause.
            await sleep(s.retryBackoffMs);
            if (!isRunning()) return;
            committed.set(
              partitionKey(batch.topic, batch.partition),
              committed.get(partitionKey(batch.topic, batch.partition)) ?? {
                topic: batch.topic,
                partition: batch.partition,
                offset: first.offset,
              },
            );
            for (const position of committed.values()) consumer.seek(position);
            return;
          }
          resolveOffset(last.offset);
          const positions = result ? result.commit : [{ topic: batch.topic, partition: batch.partition, offset: nextOffset(last.offset) }];
          await consumer.commitOffsets(positions);
          for (const position of positions) committed.set(partitionKey(position.topic, position.partition), position);
          await heartbeat();
        }
      },
    });
    await joined;
  }

  async disconnect(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }
}

class KafkajsAdmin implements KafkaAdminPort {
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly brokers: string[],
  ) {}

  async connect(): Promise<void> {
    if (this.admin) return;
    const admin = this.kafka.admin();
    await admin.connect();
    this.admin = admin;
  }

  private connected(): Admin {
    if (!this.admin) throw new KafkaNotConnected('admin');
    return this.admin;
  }

  async createTopics(topics: TopicSpec[]): Promise<string[]> {
    const admin = this.connected();
    const created: string[] = [];
    // One request per topic so that the result says which ones were new.
    for (const spec of topics) {
      try {
        const isNew = await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: spec.topic,
              numPartitions: spec.partitions,
              replicationFactor: spec.replicationFactor,
              configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
            },
          ],
        });
        if (isNew) created.push(spec.topic);
      } catch (cause) {
        throw new TopicCreationFailed(spec.topic, this.brokers, { cause });
      }
    }
    return created;
  }

  async listTopics(): Promise<string[]> {
    return this.connected().listTopics();
  }

  async describeTopicConfigs(topic: string): Promise<Record<string, string>> {
    return Object.fromEntries((await this.describe(topic)).map((entry) => [entry.configName, entry.configValue]));
  }

  private async describe(topic: string) {
    try {
      const result = await this.connected().describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      });
      return result.resources[0]?.configEntries ?? [];
    } catch (cause) {
      throw this.adminError('describeTopicConfigs', topic, cause);
    }
  }

  async alterTopicConfigs(topic: string, configs: Record<string, string>): Promise<void> {
    // kafkajs has only the legacy AlterConfigs, which resets every config it is not given: so send the
    // topic's current overrides together with the changes.
    const overrides = (await this.describe(topic)).filter((entry) => !entry.isDefault && !entry.readOnly);
    const merged = { ...Object.fromEntries(overrides.map((e) => [e.configName, e.configValue])), ...configs };
    try {
      await this.connected().alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: Object.entries(merged).map(([name, value]) => ({ name, value })),
          },
        ],
      });
    } catch (cause) {
      throw this.adminError('alterTopicConfigs', topic, cause);
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    try {
      await this.connected().deleteTopics({ topics });
    } catch (cause) {
      throw this.adminError('deleteTopics', topics.join(','), cause);
    }
  }

  async fetchGroupOffsets(groupId: string, topic: string): Promise<Array<{ partition: number; offset: string }>> {
    try {
      const result = await this.connected().fetchOffsets({ groupId, topics: [topic] });
      return (result[0]?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }));
    } catch (cause) {
      throw this.adminError('fetchGroupOffsets', `${groupId}/${topic}`, cause);
    }
  }

  async fetchTopicEndOffsets(topic: string): Promise<Array<{ partition: number; offset: string }>> {
    try {
      const result = await this.connected().fetchTopicOffsets(topic);
      return result.map((p) => ({ partition: p.partition, offset: p.high })).sort((a, b) => a.partition - b.partition);
    } catch (cause) {
      throw this.adminError('fetchTopicEndOffsets', topic, cause);
    }
  }

  async describeCluster(): Promise<{ brokers: number[] }> {
    try {
      const cluster = await this.connected().describeCluster();
      return { brokers: cluster.brokers.map((broker) => broker.nodeId).sort((a, b) => a - b) };
    } catch (cause) {
      throw this.adminError('describeCluster', this.brokers.join(','), cause);
    }
  }

  async describeTopicPartitions(topic: string): Promise<PartitionReplicas[]> {
    try {
      const metadata = await this.connected().fetchTopicMetadata({ topics: [topic] });
      return (metadata.topics[0]?.partitions ?? [])
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
        .sort((a, b) => a.partition - b.partition);
    } catch (cause) {
      throw this.adminError('describeTopicPartitions', topic, cause);
    }
  }

  private adminError(operation: string, target: string, cause: unknown): Error {
    const type = (cause as { type?: string } | null)?.type;
    if (type === 'UNKNOWN_TOPIC_OR_PARTITION') return new TopicNotFound(target, operation);
    return new KafkaAdminFailed(operation, target, { cause });
  }

  async disconnect(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect();
  }
}
