import { DEFAULT_REPLICATION_FACTOR } from '@fieldmesh/kafka';
import { randomUUID } from 'node:crypto';
import type { ConsumedBatch, KafkaConsumerPort, KafkaPort, KafkaProducerPort } from '@fieldmesh/kafka';
import { RegistryError, RegistryErrors } from '../errors';
import { OwnRecordOutcomes } from './own-record.outcomes';
import type { ApplyOutcome, RegistryState } from './registry.state';
import { decodeRecord, encodeRecord, type LogRecord } from './schema-log.records';

const WRITER_HEADER = 'fieldmesh-registry-writer';

export interface SchemaLogOptions {
  topic: string;
  /** How long a write waits to read its own record back before failing with 50002. */
  writeTimeoutMs?: number;
  /** How long start-up may take to read the existing log. */
  startTimeoutMs?: number;
}

/**
 * The registry's store: a compacted Kafka topic read from the beginning into `RegistryState`. Writes are
 * records produced to the topic and take effect only when consumed back, in log order, on every instance
 * alike; `append` resolves with what applying each record did (accepted, or rejected as a losing claim).
 */
export class SchemaLog {
  private readonly instanceId = randomUUID();
  private producer: KafkaProducerPort | undefined;
  private consumer: KafkaConsumerPort | undefined;
  /** Offset of the last record applied (-1 before any). */
  private applied = -1n;
  private readonly own = new OwnRecordOutcomes<ApplyOutcome>();
  private readonly writeTimeoutMs: number;
  private readonly startTimeoutMs: number;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly state: RegistryState,
    private readonly options: SchemaLogOptions,
  ) {
    this.writeTimeoutMs = options.writeTimeoutMs ?? 15_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
  }

  /** Creates the topic if missing, reads it to its end, and only then resolves. */
  async start(): Promise<void> {
    const { topic } = this.options;
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.createTopics([{ topic, partitions: 1, replicationFactor: DEFAULT_REPLICATION_FACTOR, configs: { 'cleanup.policy': 'compact' } }]);
      const configs = await admin.describeTopicConfigs(topic);
      if (configs['cleanup.policy'] !== 'compact') {
        throw RegistryErrors.storeError(
          `topic '${topic}' has cleanup.policy=${configs['cleanup.policy']}, so schemas would expire; set cleanup.policy=compact on it or choose another FIELDMESH_REGISTRY_TOPIC`,
        );
      }
    } finally {
      await admin.disconnect();
    }
    this.producer = this.kafka.producer({ compression: 'none' });
    await this.producer.connect();
    // A group of its own per instance: every instance must read the whole log, and starts from the beginning.
    this.consumer = this.kafka.consumer({
      groupId: `fieldmesh-registry-${this.instanceId}`,
      topics: [topic],
      fromBeginning: true,
      maxBatchRecords: 5_000,
    });
    await this.consumer.connect();
    await this.consumer.run((batch) => this.applyBatch(batch));
    await this.sync(this.startTimeoutMs);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect()]);
    this.consumer = undefined;
    this.producer = undefined;
  }

  /** Resolves once every record written before this call (by any instance) is applied here. */
  async sync(timeoutMs = this.writeTimeoutMs): Promise<void> {
    await this.append([{ kind: 'noop' }], timeoutMs);
  }

  /** Produces records in one request and waits until each is applied; returns what applying each did. */
  async append(records: LogRecord[], timeoutMs = this.writeTimeoutMs): Promise<ApplyOutcome[]> {
    if (!this.producer) throw RegistryErrors.storeError('the registry store is not started');
    let baseOffset: bigint;
    try {
      const [metadata] = await this.producer.send(
        records.map((record) => {
          const { key, value } = encodeRecord(record);
          return { topic: this.options.topic, partition: 0, key, value, headers: { [WRITER_HEADER]: this.instanceId } };
        }),
      );
      if (!metadata) throw new Error('the broker acknowledged no record');
      baseOffset = BigInt(metadata.baseOffset);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw RegistryErrors.storeError((error as Error).message, error);
    }
    return Promise.all(records.map((_, index) => this.outcomeOf(baseOffset + BigInt(index), timeoutMs)));
  }

  private outcomeOf(offset: bigint, timeoutMs: number): Promise<ApplyOutcome> {
    return this.own.wait(offset, timeoutMs, () => RegistryErrors.storeTimeout(`record at offset ${offset} of '${this.options.topic}' was not read back within ${timeoutMs} ms`));
  }

  private async applyBatch(batch: ConsumedBatch): Promise<void> {
    for (const record of batch.records) {
      const offset = BigInt(record.offset);
      // A redelivered batch (after a rebalance) must not apply a record twice.
      if (offset <= this.applied) continue;
      const outcome = this.state.apply(decodeRecord(record.key, record.value));
      this.applied = offset;
      if (record.headers[WRITER_HEADER]?.toString() === this.instanceId) this.own.settle(offset, outcome);
    }
  }
}
