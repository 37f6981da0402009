import type { BatchHandler, ConsumedRecord, ConsumerOptions, KafkaPort, OutgoingRecord, TopicSpec } from '@fieldmesh/kafka';
import { checkpointTopicFor, CheckpointStore, type JobCheckpoint } from '@fieldmesh/streams';
import { describe, expect, it } from 'vitest';
import { WINDOWED_JOB_GROUPS } from './data-products';
import { plantClockStart } from './plant.clock';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const MINUTE = 60_000;

/** In-memory checkpoint topics: what earlier runs' windowed jobs persisted, read back as CheckpointStore reads it. */
class CheckpointKafka implements KafkaPort {
  readonly records = new Map<string, OutgoingRecord[]>();
  readonly created: string[] = [];

  /** Persists a job's checkpoint as the job does, in the same record shape. */
  persist(groupId: string, watermarks: Record<string, number>): void {
    const record = new CheckpointStore(this, groupId).record({ watermarks, readUntil: {} } satisfies JobCheckpoint);
    this.records.set(record.topic, [...(this.records.get(record.topic) ?? []), record]);
  }

  producer(): never {
    throw new Error('plantClockStart only reads checkpoints');
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
      disconnect: async () => {},
    };
  }
}

describe('plantClockStart', () => {
  it('starts the plant now on a first run, reading the checkpoints of every windowed job', async () => {
    const kafka = new CheckpointKafka();
    expect(await plantClockStart(kafka, NOW)).toBe(NOW);
    expect(kafka.created.sort()).toEqual(Object.values(WINDOWED_JOB_GROUPS).map(checkpointTopicFor).sort());
  });

  it('starts now when the persisted watermarks are more than a minute behind it', async () => {
    const kafka = new CheckpointKafka();
    kafka.persist(WINDOWED_JOB_GROUPS.clean, { clean: NOW - 5 * MINUTE });
    kafka.persist(WINDOWED_JOB_GROUPS.features, { features: NOW - MINUTE - 1 });
    expect(await plantClockStart(kafka, NOW)).toBe(NOW);
  });

  it("starts a minute after the newest watermark of any job and state when an earlier, faster plant left them ahead, so this run's readings are not late", async () => {
    const kafka = new CheckpointKafka();
    kafka.persist(WINDOWED_JOB_GROUPS.clean, { clean: NOW + 10 * MINUTE });
    kafka.persist(WINDOWED_JOB_GROUPS.energy, { consumption: NOW + 2 * MINUTE, meters: NOW + 45 * MINUTE });
    kafka.persist(WINDOWED_JOB_GROUPS.features, { features: NOW + 30 * MINUTE });
    expect(await plantClockStart(kafka, NOW)).toBe(NOW + 46 * MINUTE);
  });

  it('keeps the margin for a watermark less than a minute behind now, and reads only the latest checkpoint of a job', async () => {
    const kafka = new CheckpointKafka();
    kafka.persist(WINDOWED_JOB_GROUPS.features, { features: NOW + 60 * MINUTE });
    kafka.persist(WINDOWED_JOB_GROUPS.features, { features: NOW - 20_000 });
    expect(await plantClockStart(kafka, NOW)).toBe(NOW + 40_000);
  });
});
