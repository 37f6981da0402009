import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, ConfigResourceTypes, IncrementalAlterConfigOperationTypes, ProduceAcks, Producer } from '@platformatic/kafka';
import type { KafkaAdapter } from './adapter';
import type { KafkaClientSettings, ProducerSettings } from './config';
import { DeliveryTimeoutExpired, KafkaAdminFailed, KafkaNotConnected, KafkaProduceFailed, TopicCreationFailed, TopicNotFound } from './errors';
import { type BaseOptions, ignoreLateConnectionErrors } from './platformatic.base';
import { PlatformaticConsumer } from './platformatic.consumer';
import { platformaticSecurityOptions, type ResolvedKafkaSecurity } from './kafka.security';
import type { KafkaAdminPort, KafkaProducerPort, OutgoingRecord, PartitionReplicas, RecordMetadata, TopicSpec } from './ports';
import { javaCompatiblePartitioner, type PlatformaticOutgoing, toPlatformaticMessage } from './platformatic.records';
import { groupByTopic } from './records';

/** How long createTopics waits for new topics to show in the cluster's metadata. */
const TOPIC_METADATA_WAIT_MS = 10_000;

/** @platformatic/kafka: maintained, pure JavaScript, no native addon. */
export function platformaticAdapter(config: KafkaClientSettings, security: ResolvedKafkaSecurity): KafkaAdapter {
  // About as patient as kafkajs's defaults (5 retries, exponential from 300 ms): a broker that has just
  // started answers NOT_COORDINATOR for a few seconds while it creates __consumer_offsets. The producer's
  // sends are bounded by their delivery timeout instead (see PlatformaticProducer.send).
  const base: BaseOptions = {
    clientId: config.clientId,
    bootstrapBrokers: config.brokers,
    retries: 10,
    retryDelay: 1_000,
    ...platformaticSecurityOptions(security),
  };
  return {
    producer: (settings) => new PlatformaticProducer(base, settings),
    consumer: (settings) => new PlatformaticConsumer(base, settings),
    admin: () => new PlatformaticAdmin(base),
  };
}

class PlatformaticProducer implements KafkaProducerPort {
  private producer: Producer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private readonly partitioner = javaCompatiblePartitioner();
  /** Between connect() and disconnect(): a producer closed by a delivery timeout is opened again on the next send. */
  private connected = false;

  constructor(
    private readonly base: BaseOptions,
    private readonly settings: ProducerSettings,
  ) {}

  async connect(): Promise<void> {
    if (this.producer) return;
    this.producer = await this.open();
    this.connected = true;
  }

  private async open(): Promise<Producer<Buffer, Buffer, Buffer, Buffer>> {
    const producer = new Producer({
      ...this.base,
      // Sends retry what the cluster may still take until their delivery timeout, not a count of times: see send().
      retries: true,
      retryDelay: producerRetryDelay,
      // The library limits an idempotent producer to one request in flight, as kafkajs is configured.
      idempotent: true,
      acks: ProduceAcks.ALL,
      compression: this.settings.compression,
      autocreateTopics: false,
    });
    ignoreLateConnectionErrors(producer);
    try {
      await producer.metadata({ topics: [], retries: this.base.retries });
    } catch (error) {
      await producer.close();
      throw error;
    }
    return producer;
  }

  /**
   * Kafka's delivery.timeout.ms: the library retries a send (same producer id and sequence numbers, so no
   * duplicates) until it succeeds or fails for good; once the timeout runs out the producer is closed, which
   * ends those retries, and the next send opens a new one. Only the closed session's unacknowledged
   * records may then be written twice by a caller that sends them again, as with Kafka's own producer.
   */
  async send(records: OutgoingRecord[]): Promise<RecordMetadata[]> {
    if (!this.producer && this.connected) this.producer = await this.open();
    const producer = this.producer;
    if (!producer) throw new KafkaNotConnected('producer');
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        if (this.producer === producer) this.producer = undefined;
        void producer.close().catch(() => undefined);
        reject(new DeliveryTimeoutExpired(this.settings.deliveryTimeoutMs));
      }, this.settings.deliveryTimeoutMs);
    });
    const sending = this.sendByPartition(producer, records);
    // Its rejection after an expiry (the producer closed under it) is already answered by the expiry.
    sending.catch(() => undefined);
    try {
      return await Promise.race([sending, expired]);
    } catch (cause) {
      throw new KafkaProduceFailed([...groupByTopic(records).keys()], records.length, { cause });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One request per partition, sent side by side. The library groups a send's records by leader once and
   * retries each group at the leader of its first record's partition: after a broker died, the partitions
   * it led move to different brokers and such a group answers NOT_LEADER_OR_FOLLOWER until the delivery
   * timeout (platform/kafka/test/broker-kills.test.ts saw 106 attempts). A group of one partition always
   * follows its leader.
   */
  private async sendByPartition(producer: Producer<Buffer, Buffer, Buffer, Buffer>, records: OutgoingRecord[]): Promise<RecordMetadata[]> {
    const metadata = await producer.metadata({ topics: [...groupByTopic(records).keys()] });
    const groups = new Map<string, PlatformaticOutgoing[]>();
    for (const record of records) {
      const message = toPlatformaticMessage(record);
      const count = metadata.topics.get(record.topic)?.partitionsCount ?? 1;
      // Where the library would put it (see javaCompatiblePartitioner), decided here to group by partition.
      message.partition = (message.partition ?? this.partitioner(message, message.key)) % count;
      const key = `${message.topic}:${message.partition}`;
      const group = groups.get(key);
      if (group) group.push(message);
      else groups.set(key, [message]);
    }
    const sent = await Promise.allSettled([...groups.values()].map((messages) => producer.send({ messages })));
    const failed = sent.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return sent.flatMap((result) =>
      result.status === 'fulfilled' ? (result.value.offsets ?? []).map((o) => ({ topic: o.topic, partition: o.partition, baseOffset: o.offset.toString() })) : [],
    );
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.connected = false;
    await producer?.close();
  }
}

class PlatformaticAdmin implements KafkaAdminPort {
  private admin: Admin | undefined;

  constructor(private readonly base: BaseOptions) {}

  async connect(): Promise<void> {
    if (this.admin) return;
    const admin = new Admin(this.base);
    ignoreLateConnectionErrors(admin);
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
    await this.untilListed(admin, created);
    return created;
  }

  /**
   * CreateTopics answers once the controller took the topics, before every broker's metadata lists them,
   * so a listTopics or produce right after could still miss them. Waits as kafkajs' waitForLeaders does.
   */
  private async untilListed(admin: Admin, topics: string[]): Promise<void> {
    const deadline = Date.now() + TOPIC_METADATA_WAIT_MS;
    while (topics.length > 0) {
      const listed = new Set(await admin.listTopics());
      if (topics.every((topic) => listed.has(topic)) || Date.now() > deadline) return;
      await sleep(50);
    }
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

  async describeCluster(): Promise<{ brokers: number[] }> {
    try {
      const metadata = await this.connected().metadata({ topics: [], forceUpdate: true });
      return { brokers: [...metadata.brokers.keys()].sort((a, b) => a - b) };
    } catch (cause) {
      throw adminError('describeCluster', this.base.bootstrapBrokers.join(','), cause);
    }
  }

  async describeTopicPartitions(topic: string): Promise<PartitionReplicas[]> {
    try {
      const metadata = await this.connected().metadata({ topics: [topic], forceUpdate: true });
      return (metadata.topics.get(topic)?.partitions ?? []).map((p, partition) => ({ partition, leader: p.leader, replicas: p.replicas, isr: p.isr }));
    } catch (cause) {
      throw adminError('describeTopicPartitions', topic, cause);
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
  return hasErrorProperty(error, 'apiId', apiId);
}

function hasErrorProperty(error: unknown, property: string, value: unknown): boolean {
  const findBy = (error as { findBy?: (property: string, value: unknown) => unknown } | null)?.findBy;
  return typeof findBy === 'function' && findBy.call(error, property, value) !== null;
}

/** Kafka's retry.backoff.ms and retry.backoff.max.ms (its defaults): exponential from 100 ms, at most 1 s apart. */
const RETRY_BACKOFF_MS = 100;
const RETRY_BACKOFF_MAX_MS = 1_000;

/**
 * The producer's wait before each retry. It also forgets the cached cluster metadata after an error that
 * says it is stale (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE…): the library refreshes it only after
 * network errors, so after a broker kill it kept sending to the old leader, answered NOT_LEADER_OR_FOLLOWER
 * 108 times, until the delivery timeout (platform/kafka/test/broker-kills.test.ts).
 */
function producerRetryDelay(client: object, _operationId: string, attempt: number, _retries: number, error: Error): number {
  if (hasErrorProperty(error, 'hasStaleMetadata', true)) (client as { clearMetadata(): void }).clearMetadata();
  return Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_MS * 2 ** Math.max(0, attempt - 1));
}

function adminError(operation: string, target: string, cause: unknown): Error {
  if (hasApiError(cause, 'UNKNOWN_TOPIC_OR_PARTITION')) return new TopicNotFound(target, operation);
  return new KafkaAdminFailed(operation, target, { cause });
}
