import type {
  BatchHandler,
  ConsumedRecord,
  ConsumerOptions,
  KafkaAdminPort,
  KafkaConsumerPort,
  KafkaPort,
  KafkaProducerPort,
  OutgoingRecord,
  RecordMetadata,
  TopicPartition,
  TopicSpec,
} from '@fieldmesh/kafka';
import { AvroCodec, createAvroType, decodeLimitsSchema, frame, unframe, type WriterSchema } from '@fieldmesh/serde';
import { partitionKey } from './partition.position';
import type { StreamJobSerde } from './stream-job';

/**
 * For unit tests of runStreamJob: topics as arrays in memory, consumers the test drives batch by batch
 * (`deliver`), commits as the real adapters make them (the handler's positions, or the batch's ends), a
 * failed handler sending the group back to its committed offsets, and sends that fail on demand. What a
 * real broker adds (rebalances, fetch sizes, timing) is the integration tests' job.
 */
export class MemoryKafka implements KafkaPort {
  private readonly logs = new Map<string, ConsumedRecord[][]>();
  private readonly groups = new Map<string, MemoryGroup>();
  private readonly failures: Array<(records: OutgoingRecord[]) => boolean> = [];

  createTopic(topic: string, partitions = 1): void {
    if (!this.logs.has(topic))
      this.logs.set(
        topic,
        Array.from({ length: partitions }, () => []),
      );
  }

  /** Every record of a topic, partition by partition. */
  records(topic: string): ConsumedRecord[] {
    return (this.logs.get(topic) ?? []).flat();
  }

  /** The next send that `matches` rejects without storing anything, as a broker that did not acknowledge it. */
  failNextSend(matches: (records: OutgoingRecord[]) => boolean): void {
    this.failures.push(matches);
  }

  /** Appends records as a producer would (partition 0 unless given); returns nothing of the ports' metadata. */
  append(records: OutgoingRecord[]): void {
    for (const record of records) {
      this.createTopic(record.topic);
      const partitions = this.logs.get(record.topic) as ConsumedRecord[][];
      const log = partitions[record.partition ?? 0];
      if (!log) throw new RangeError(`memory kafka: ${record.topic} has no partition ${record.partition}`);
      log.push({
        topic: record.topic,
        partition: record.partition ?? 0,
        offset: String(log.length),
        key: record.key === undefined || record.key === null ? null : Buffer.from(record.key),
        value: record.value,
        headers: Object.fromEntries(Object.entries(record.headers ?? {}).map(([name, value]) => [name, Buffer.from(value)])),
        timestamp: record.timestamp ?? 0,
      });
    }
  }

  /**
   * Hands the group one batch: up to `maxRecords` records from its fetch positions, of `partitions` only
   * when given (a consumer whose fetch returned some partitions first). Resolves false when nothing was
   * waiting, and with the handler's error instead of throwing it (the group then goes back to its commits).
   */
  async deliver(groupId: string, options: { topic?: string; partitions?: number[]; maxRecords?: number; assignment?: TopicPartition[] } = {}): Promise<boolean | unknown> {
    const group = this.groups.get(groupId);
    if (!group?.handler) throw new Error(`memory kafka: no running consumer in group ${groupId}`);
    const batch: ConsumedRecord[] = [];
    for (const topic of group.topics) {
      if (options.topic !== undefined && topic !== options.topic) continue;
      (this.logs.get(topic) ?? []).forEach((log, partition) => {
        if (options.partitions && !options.partitions.includes(partition)) return;
        const from = group.fetched.get(partitionKey(topic, partition)) ?? group.start.get(partitionKey(topic, partition)) ?? 0;
        batch.push(...log.slice(from, from + (options.maxRecords ?? Number.POSITIVE_INFINITY) - batch.length));
      });
    }
    if (batch.length === 0) return false;
    for (const record of batch) group.fetched.set(partitionKey(record.topic, record.partition), Number(record.offset) + 1);
    try {
      const result = await group.handler(options.assignment ? { records: batch, assignment: options.assignment } : { records: batch });
      const positions: Array<[string, number]> = result ? result.commit.map((c) => [partitionKey(c.topic, c.partition), Number(c.offset)]) : [...group.fetched];
      for (const [at, offset] of positions) group.committed.set(at, offset);
      return true;
    } catch (error) {
      group.fetched = new Map(group.committed);
      return error;
    }
  }

  /** Delivers until nothing is waiting; a failed batch is delivered again (from the commits), as the adapters do. */
  async drain(groupId: string, maxRecords?: number): Promise<void> {
    for (let round = 0; round < 1_000; round += 1) {
      if ((await this.deliver(groupId, maxRecords === undefined ? {} : { maxRecords })) === false) return;
    }
    throw new Error(`memory kafka: group ${groupId} did not drain in 1000 batches`);
  }

  producer(): KafkaProducerPort {
    return {
      connect: async () => undefined,
      send: async (records: OutgoingRecord[]): Promise<RecordMetadata[]> => {
        const failing = this.failures.findIndex((matches) => matches(records));
        if (failing >= 0) {
          this.failures.splice(failing, 1);
          throw new Error('memory kafka: send not acknowledged (injected)');
        }
        this.append(records);
        return [];
      },
      disconnect: async () => undefined,
    };
  }

  consumer(options: ConsumerOptions): KafkaConsumerPort {
    const group: MemoryGroup = { topics: options.topics, fetched: new Map(), committed: new Map(), start: new Map() };
    return {
      connect: async () => undefined,
      run: async (handler: BatchHandler) => {
        group.handler = handler;
        // A group with no commits starts at the ends of the logs as they are when it joins, as Kafka's 'latest'.
        if (options.fromBeginning === false)
          for (const topic of options.topics) (this.logs.get(topic) ?? []).forEach((log, partition) => group.start.set(partitionKey(topic, partition), log.length));
        this.groups.set(options.groupId, group);
      },
      disconnect: async () => void this.groups.delete(options.groupId),
    };
  }

  admin(): KafkaAdminPort {
    const partitionsOf = (topic: string) => this.logs.get(topic) ?? [];
    return {
      connect: async () => undefined,
      createTopics: async (specs: TopicSpec[]) => {
        const created = specs.filter((spec) => !this.logs.has(spec.topic));
        for (const spec of created) this.createTopic(spec.topic, spec.partitions);
        return created.map((spec) => spec.topic);
      },
      listTopics: async () => [...this.logs.keys()],
      describeTopicConfigs: async () => ({}),
      alterTopicConfigs: async () => undefined,
      deleteTopics: async (topics: string[]) => void topics.forEach((topic) => this.logs.delete(topic)),
      fetchGroupOffsets: async (groupId: string, topic: string) =>
        partitionsOf(topic).map((_, partition) => ({ partition, offset: String(this.groups.get(groupId)?.committed.get(partitionKey(topic, partition)) ?? -1) })),
      fetchTopicEndOffsets: async (topic: string) => partitionsOf(topic).map((log, partition) => ({ partition, offset: String(log.length) })),
      describeCluster: async () => ({ brokers: [1] }),
      describeTopicPartitions: async (topic: string) => partitionsOf(topic).map((_, partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })),
      disconnect: async () => undefined,
    };
  }
}

interface MemoryGroup {
  topics: string[];
  handler?: BatchHandler;
  /** Next offset to fetch per partition key. */
  fetched: Map<string, number>;
  committed: Map<string, number>;
  /** Where a partition with no commit starts: its end when the group joined, if it started at the ends. */
  start: Map<string, number>;
}

/** Avro in the Confluent wire format without a registry: schema ids are handed out per schema, in memory. */
export function memorySerde(): StreamJobSerde {
  const limits = decodeLimitsSchema.parse({});
  const codecs: AvroCodec[] = [];
  const ids = new Map<string, number>();
  return {
    writerFor: async (topic: string, schema: object): Promise<WriterSchema> => {
      const text = JSON.stringify(schema);
      let schemaId = ids.get(text);
      if (schemaId === undefined) {
        codecs.push(new AvroCodec(createAvroType(schema), limits));
        schemaId = codecs.length;
        ids.set(text, schemaId);
      }
      return { topic, subject: `${topic}-value`, schemaId, codec: codecs[schemaId - 1] as AvroCodec };
    },
    encode: (writer: WriterSchema, value: unknown) => frame(writer.schemaId, writer.codec.encode(value, { topic: writer.topic })),
    decode: async <T>(bytes: Buffer, context: { topic?: string } = {}) => {
      const { schemaId, body } = unframe(bytes, limits.maxPayloadBytes, context);
      const codec = codecs[schemaId - 1];
      if (!codec) throw new Error(`memory serde: unknown schema id ${schemaId}`);
      return { schemaId, value: codec.decode(body, { ...context, schemaId }) as T };
    },
  };
}
