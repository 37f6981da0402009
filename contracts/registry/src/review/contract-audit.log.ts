import { DEFAULT_REPLICATION_FACTOR } from '@fieldmesh/kafka';
import { randomUUID } from 'node:crypto';
import type { ConsumedBatch, KafkaAdminPort, KafkaConsumerPort, KafkaPort, KafkaProducerPort } from '@fieldmesh/kafka';
import { RegistryError, RegistryErrors } from '../errors';
import { OwnRecordOutcomes } from '../store/own-record.outcomes';
import type { ReviewState } from './review.state';
import { contractAuditEventTypes, type ContractAuditEvent } from './review.types';

const WRITER_HEADER = 'fieldmesh-registry-writer';

export interface ContractAuditLogOptions {
  topic: string;
  /** How long a write waits to read its own event back before failing with 50002. */
  writeTimeoutMs?: number;
  /** How long start-up may take to read the existing log. */
  startTimeoutMs?: number;
}

/** Topic settings: the audit trail is the record of who decided what, so nothing expires or is compacted away. */
const AUDIT_TOPIC_CONFIGS = { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1' };

function decodeEvent(value: Buffer | null): ContractAuditEvent | undefined {
  if (!value) return undefined;
  try {
    const event = JSON.parse(value.toString('utf8')) as ContractAuditEvent;
    const known = typeof event?.contractId === 'string' && typeof event.version === 'string' && contractAuditEventTypes.includes(event.type);
    return known ? event : undefined;
  } catch {
    return undefined;
  }
}

type Outcome = 'accepted' | RegistryError;

/**
 * The contract audit log: a Kafka topic (key = contract id, JSON events) read from the beginning into
 * `ReviewState`, as `SchemaLog` keeps `_schemas`. An event takes effect only once consumed back, in log
 * order, on every instance alike; `append` resolves with what applying it did. Unlike `_schemas` the topic
 * is never compacted (every event is history), so catching up compares offsets instead of writing a no-op.
 */
export class ContractAuditLog {
  private readonly instanceId = randomUUID();
  private producer: KafkaProducerPort | undefined;
  private consumer: KafkaConsumerPort | undefined;
  private admin: KafkaAdminPort | undefined;
  /** Offset of the next record to apply. */
  private next = 0n;
  private readonly progress = new Set<() => void>();
  private readonly own = new OwnRecordOutcomes<Outcome>();
  private readonly writeTimeoutMs: number;
  private readonly startTimeoutMs: number;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly state: ReviewState,
    private readonly options: ContractAuditLogOptions,
  ) {
    this.writeTimeoutMs = options.writeTimeoutMs ?? 15_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
  }

  get topic(): string {
    return this.options.topic;
  }

  /** Creates the topic if missing, reads it to its end, and only then resolves. */
  async start(): Promise<void> {
    const { topic } = this.options;
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await this.admin.createTopics([{ topic, partitions: 1, replicationFactor: DEFAULT_REPLICATION_FACTOR, configs: AUDIT_TOPIC_CONFIGS }]);
    const configs = await this.admin.describeTopicConfigs(topic);
    if (configs['cleanup.policy']?.includes('compact') || configs['retention.ms'] !== '-1') {
      throw RegistryErrors.storeError(
        `audit topic '${topic}' has cleanup.policy=${configs['cleanup.policy']} and retention.ms=${configs['retention.ms']}, so audit events would be lost; ` +
          `set cleanup.policy=delete and retention.ms=-1 on it or choose another FIELDMESH_REGISTRY_AUDIT_TOPIC`,
      );
    }
    this.producer = this.kafka.producer({ compression: 'none' });
    await this.producer.connect();
    // A group of its own per instance: every instance must read the whole log, from the beginning.
    this.consumer = this.kafka.consumer({
      groupId: `fieldmesh-registry-audit-${this.instanceId}`,
      topics: [topic],
      fromBeginning: true,
      maxBatchRecords: 5_000,
      maxWaitMs: 100,
    });
    await this.consumer.connect();
    await this.consumer.run((batch) => this.applyBatch(batch));
    await this.sync(this.startTimeoutMs);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect(), this.admin?.disconnect()]);
    this.consumer = undefined;
    this.producer = undefined;
    this.admin = undefined;
  }

  /** Resolves once every event written before this call (by any instance) is applied here. */
  async sync(timeoutMs = this.writeTimeoutMs): Promise<void> {
    if (!this.admin) throw RegistryErrors.storeError('the contract audit log is not started');
    let end: bigint;
    try {
      // Events are written to partition 0 only (one order for every instance).
      const partition = (await this.admin.fetchTopicEndOffsets(this.options.topic)).find((candidate) => candidate.partition === 0);
      end = BigInt(partition?.offset ?? '0');
    } catch (error) {
      throw RegistryErrors.storeError(`could not read the end of audit topic '${this.options.topic}': ${(error as Error).message}`, error);
    }
    if (this.next >= end) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.progress.delete(check);
        reject(RegistryErrors.storeTimeout(`audit topic '${this.options.topic}' was not read up to offset ${end} within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (this.next < end) return;
        clearTimeout(timer);
        this.progress.delete(check);
        resolve();
      };
      this.progress.add(check);
    });
  }

  /** Writes one event and waits until it is applied; resolves 'accepted' or the lifecycle rule it broke. */
  async append(event: ContractAuditEvent): Promise<Outcome> {
    if (!this.producer) throw RegistryErrors.storeError('the contract audit log is not started');
    let offset: bigint;
    try {
      const [metadata] = await this.producer.send([
        {
          topic: this.options.topic,
          partition: 0,
          key: event.contractId,
          value: Buffer.from(JSON.stringify(event)),
          headers: { [WRITER_HEADER]: this.instanceId },
        },
      ]);
      if (!metadata) throw new Error('the broker acknowledged no record');
      offset = BigInt(metadata.baseOffset);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw RegistryErrors.storeError((error as Error).message, error);
    }
    return this.outcomeOf(offset);
  }

  private outcomeOf(offset: bigint): Promise<Outcome> {
    return this.own.wait(offset, this.writeTimeoutMs, () =>
      RegistryErrors.storeTimeout(`audit event at offset ${offset} of '${this.options.topic}' was not read back within ${this.writeTimeoutMs} ms`),
    );
  }

  private async applyBatch(batch: ConsumedBatch): Promise<void> {
    for (const record of batch.records) {
      if (record.partition !== 0) continue;
      const offset = BigInt(record.offset);
      // A redelivered batch (after a rebalance) must not apply an event twice.
      if (offset < this.next) continue;
      const event = decodeEvent(record.value);
      const outcome: Outcome = event ? this.state.apply(event) : RegistryErrors.invalidReviewRequest(`record at offset ${offset} is not a contract audit event`);
      this.next = offset + 1n;
      if (record.headers[WRITER_HEADER]?.toString() === this.instanceId) this.own.settle(offset, outcome);
    }
    for (const check of [...this.progress]) check();
  }
}
