import type { BatchHandler, ConsumedRecord, ConsumerOptions, KafkaPort, OutgoingRecord, TopicSpec } from '@fieldmesh/kafka';
import { CheckpointStore, type JobCheckpoint } from '@fieldmesh/streams';

export const NOW = Date.parse('2026-01-01T12:00:00Z');
export const MINUTE = 60_000;

/** In-memory checkpoint topics: what earlier runs' windowed jobs persisted, read back as CheckpointStore reads it. */
export class CheckpointKafka implements KafkaPort {
  readonly records = new Map<string, OutgoingRecord[]>();
  readonly created: string[] = [];

  /** Persists a job's checkpoint as the job does, in the same record shape. */
  persist(groupId: string, watermarks: Record<string, number>, readUntil: Record<string, string> = {}): void {
    this.append(new CheckpointStore(this, groupId).record({ watermarks, readUntil } satisfies JobCheckpoint));
  }

  /** The latest checkpoint of a job, as its next start reads it. */
  async latest(groupId: string): Promise<JobCheckpoint | undefined> {
    return new CheckpointStore(this, groupId).load();
  }

  producer() {
    return {
      connect: async () => {},
      send: async (records: OutgoingRecord[]) => {
        for (const record of records) this.append(record);
        return [];
      },
      disconnect: async () => {},
    };
  }

  private append(record: OutgoingRecord): void {
    this.records.set(record.topic, [...(this.records.get(record.topic) ?? []), record]);
  }

  consumer(options: ConsumerOptions) {
    const topic = options.topics[0]!;
    return {
      connect: async () => {},
      run: async (handler: BatchHandler) => {
        const records: ConsumedRecord[] = (this.records.get(topic) ?? []).map((record, offset) => ({
          topic,
          partition: 0,
          offset: String(offset),
          key: record.key ? Buffer.from(record.key) : null,
          value: record.value,
          headers: {},
          timestamp: NOW,
        }));
        setImmediate(() => void handler({ records }));
      },
      disconnect: async () => {},
    };
  }

  admin() {
    return {
      connect: async () => {},
      createTopics: async (specs: TopicSpec[]) => {
        this.created.push(...specs.map((spec) => spec.topic));
        return [];
      },
      listTopics: async () => [...this.records.keys()],
      describeTopicConfigs: async () => ({}),
      alterTopicConfigs: async () => {},
      deleteTopics: async () => {},
      fetchGroupOffsets: async () => [],
      fetchTopicEndOffsets: async (topic: string) => [{ partition: 0, offset: String(this.records.get(topic)?.length ?? 0) }],
      describeCluster: async () => ({ brokers: [1] }),
      describeTopicPartitions: async () => [{ partition: 0, leader: 1, replicas: [1], isr: [1] }],
      disconnect: async () => {},
    };
  }
}
