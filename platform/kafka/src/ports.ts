import type { KafkaSecurity } from './kafka.security';
/**
 * The project's Kafka port. Every Fieldmesh program talks to Kafka through these interfaces so that the
 * client library (kafkajs or @platformatic/kafka) is an adapter choice, not a dependency of callers.
 *
 * Lifecycle: `connect()` before use, `disconnect()` is idempotent. Byte payloads are Buffers; offsets are
 * decimal strings (64-bit) so nothing loses precision.
 */

export type HeaderValue = string | Buffer;

/** A record as read from a topic partition. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  /** 64-bit offset as a decimal string. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  /** Record timestamp in epoch milliseconds. */
  timestamp: number;
}

/** A record to produce. Without a partition, the key chooses it (murmur2, as the Java client). */
export interface OutgoingRecord {
  topic: string;
  key?: Buffer | string | null;
  value: Buffer | null;
  headers?: Record<string, HeaderValue> | undefined;
  partition?: number;
  /** Epoch milliseconds; the broker's time when undefined. */
  timestamp?: number | undefined;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** Offset of the first record of this send on that partition, as a decimal string. */
  baseOffset: string;
}

export interface KafkaProducerPort {
  connect(): Promise<void>;
  /** Resolves once every record is acknowledged by all in-sync replicas (acks=all, idempotent). */
  send(records: OutgoingRecord[]): Promise<RecordMetadata[]>;
  disconnect(): Promise<void>;
}

/** One partition of a topic. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A batch handed to a consumer handler: records of one or more partitions of the subscribed topics. */
export interface ConsumedBatch {
  records: ConsumedRecord[];
  /**
   * The partitions the group gave this member, as they were when the batch was cut (every record's partition
   * is among them). State a handler keeps per partition outside them belongs to another member now. Test
   * doubles of the port may leave it out.
   */
  assignment?: TopicPartition[];
  /**
   * Exactly-once consumers only: the committed positions (with their metadata) this member resumed its
   * partitions from, the same array for every batch until the consumer goes back to the committed offsets
   * again (a rebalance, or a batch that failed). A new array means: rebuild state from these positions.
   */
  resumedFrom?: CommitOffset[];
}

/** Where the group resumes one partition: the offset of the next record to read, as a decimal string. */
export interface CommitOffset {
  topic: string;
  partition: number;
  offset: string;
  /**
   * Kept with the offset in the group (Kafka's OffsetCommit metadata, at most offset.metadata.max.bytes,
   * 4096 by default) and handed back in `resumedFrom`; exactly-once consumers only. Null when none.
   */
  metadata?: string | null;
}

/**
 * What a handler that holds records beyond its batch (open windows) resolves with: commit exactly these
 * positions instead of the batch's end, so that a restart replays what it still holds. Positions of
 * partitions outside the batch's `assignment` are not committed: another member owns them.
 */
export interface BatchCommit {
  commit: CommitOffset[];
  /**
   * Exactly-once consumers only (ConsumerOptions.transactionalId): records produced in one Kafka transaction
   * with the commit, so that they and the new positions are visible together or not at all.
   */
  produce?: OutgoingRecord[];
}

/**
 * The handler's promise settling successfully means its outputs are acknowledged; only then are the
 * batch's offsets committed (or the positions it resolved with). A rejected promise (or a crash) leaves
 * offsets uncommitted and delivery resumes from the last committed positions: at-least-once, never loss.
 * An exactly-once consumer commits the positions together with the `produce` records it resolved with, in
 * one transaction: a failure anywhere aborts both and the batch is delivered again.
 */
export type BatchHandler = (batch: ConsumedBatch) => Promise<void | BatchCommit>;

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts. Default 'earliest'. */
  fromBeginning?: boolean;
  /** Upper bound on records per handler call. */
  maxBatchRecords?: number;
  /** How long a fetch waits for data before returning a smaller batch. */
  maxWaitMs?: number;
  sessionTimeoutMs?: number;
  /** Pause before a batch whose handler failed is delivered again, so a failing batch does not spin. */
  retryBackoffMs?: number;
  /**
   * Exactly-once: each batch's `produce` records and its commit go in one Kafka transaction under this
   * transactional.id (consume-transform-produce; the commit is fenced by the group generation, KIP-447, so a
   * member that lost its partitions cannot commit them). One id per running member, the same across its
   * restarts so that a restart aborts what the killed process left open. Readers of the outputs must read
   * committed only (both adapters do).
   */
  transactionalId?: string;
  /** How long an open transaction of a vanished member blocks read-committed readers before the broker aborts it. Default 60 s. */
  transactionTimeoutMs?: number;
}

/**
 * A member of a consumer group. Partitions move between members only at a rebalance, and a rebalance waits
 * for the batch in flight: its handler settles and its offsets are committed before this member gives its
 * partitions up, and records it had fetched of a partition are never handed over once the partition is
 * gone. So two members of a group never process one partition at once, and a member that takes a partition
 * over starts where the last batch of the previous owner ended. (If a handler outlasts the session timeout
 * during a rebalance, the broker drops the member: its commit is then refused and the batch is delivered
 * again to the new owner, at least once as always.)
 */
export interface KafkaConsumerPort {
  connect(): Promise<void>;
  /** Starts consuming; resolves once the consumer has joined its group and is running. */
  run(handler: BatchHandler): Promise<void>;
  /**
   * Where this member stands in each partition it owns: every record below the offset was handed to the
   * handler and its batch settled, and transaction markers (control records, never handed out) are passed
   * too, so a reader of a transactional topic can tell it reached the end offset. Partitions it cannot
   * tell yet are absent. Optional: an adapter that does not know leaves it out.
   */
  positions?(): CommitOffset[];
  disconnect(): Promise<void>;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  /**
   * Capped by the cluster's brokers when created through createKafka's admin (see topic.replication.ts),
   * as is `min.insync.replicas` in `configs` (default 2): internal topics ask for DEFAULT_REPLICATION_FACTOR.
   */
  replicationFactor: number;
  /** Kafka topic configs passed through by their own names, e.g. { 'retention.ms': '604800000' }. */
  configs?: Record<string, string>;
}

/** Where one partition's replicas are: node ids of the brokers. */
export interface PartitionReplicas {
  partition: number;
  /** The broker that takes writes, -1 while the partition has none (no in-sync replica alive). */
  leader: number;
  replicas: number[];
  /** The replicas caught up with the leader; acks=all waits for these, and needs min.insync.replicas of them. */
  isr: number[];
}

export interface KafkaAdminPort {
  connect(): Promise<void>;
  /** Creates the topics that do not exist; existing topics are left alone. Returns the names created. */
  createTopics(topics: TopicSpec[]): Promise<string[]>;
  listTopics(): Promise<string[]>;
  /** Effective configs of a topic, by Kafka config name. */
  describeTopicConfigs(topic: string): Promise<Record<string, string>>;
  alterTopicConfigs(topic: string, configs: Record<string, string>): Promise<void>;
  deleteTopics(topics: string[]): Promise<void>;
  /** Committed offsets of a group, per topic partition (decimal strings). */
  fetchGroupOffsets(groupId: string, topic: string): Promise<Array<{ partition: number; offset: string }>>;
  /** The end offset (high watermark) of each partition of a topic. */
  fetchTopicEndOffsets(topic: string): Promise<Array<{ partition: number; offset: string }>>;
  /** Node ids of the cluster's live brokers (registered and not fenced), fresh from the cluster, ascending. */
  describeCluster(): Promise<{ brokers: number[] }>;
  /** Leader, replicas and in-sync replicas of each partition of a topic, fresh from the cluster, by partition. */
  describeTopicPartitions(topic: string): Promise<PartitionReplicas[]>;
  disconnect(): Promise<void>;
}

export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerOptions {
  /** Record batch compression, the same codec for both adapters. Default 'lz4'. */
  compression?: CompressionName;
  /**
   * How long concurrent send() calls wait to share one request (Kafka's linger.ms). Default 0: a send()
   * is already a batch (one record batch per partition), so callers that batch need no extra delay.
   */
  lingerMs?: number;
  /**
   * Kafka's delivery.timeout.ms: how long one send() keeps retrying what the cluster may still take (no
   * leader yet, a broker down, too few in-sync replicas) before it fails with KafkaProduceFailed. Default
   * 120,000 (Kafka's default), bounded by time and not by a retry count: a broker killed with kill -9 is
   * noticed after the controller's broker session timeout (about 9 s) and its partitions' leadership moves
   * after that, which a count of quick retries did not cover. Errors a resend cannot fix fail at once.
   */
  deliveryTimeoutMs?: number;
}

export type KafkaClientName = 'kafkajs' | 'platformatic';

export interface KafkaClientConfig {
  clientId: string;
  brokers: string[];
  /** Which adapter implements the port; the platform default when undefined. */
  client?: KafkaClientName | undefined;
  /** TLS and SASL (see kafka.security.ts); the FIELDMESH_KAFKA_* environment when undefined. */
  security?: KafkaSecurity | undefined;
}

/** A factory for the three roles, bound to one cluster. */
export interface KafkaPort {
  producer(options?: ProducerOptions): KafkaProducerPort;
  consumer(options: ConsumerOptions): KafkaConsumerPort;
  admin(): KafkaAdminPort;
}
