import { DEFAULT_REPLICATION_FACTOR } from '@fieldmesh/kafka';
import { randomUUID } from 'node:crypto';
import type { KafkaAdminPort, KafkaPort, OutgoingRecord } from '@fieldmesh/kafka';
import { CheckpointUnreadable } from './errors';

/**
 * What a windowed job must know after a restart besides its committed offsets: each state's watermark
 * and how far the job had read. Our consumer port cannot attach metadata to commits (the Kafka client
 * drops it), so checkpoints are records of a compacted topic, written in the same send as the outputs
 * and before the commit: a checkpoint is never older than the commit it goes with.
 */
export interface JobCheckpoint {
  /** Watermark per state name, epoch ms. */
  watermarks: Record<string, number>;
  /** Next offset not yet read, per partition key. */
  readUntil: Record<string, string>;
}

/**
 * `_fieldmesh.checkpoints.<groupId>`: one compacted single-partition topic per windowed job, under the
 * platform's internal prefix (beside `_fieldmesh.lineage`) so that a service listing the product topics
 * (`<domain>.<product>.v<major>`) finds only Avro products there.
 */
export function checkpointTopicFor(groupId: string): string {
  return `_fieldmesh.checkpoints.${groupId}`;
}

/** Where releases before the internal prefix kept a job's checkpoints, among the product topics; read once to migrate. */
export function legacyCheckpointTopicFor(groupId: string): string {
  return `${groupId}.checkpoints`;
}

export class CheckpointStore {
  readonly topic: string;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly groupId: string,
  ) {
    this.topic = checkpointTopicFor(groupId);
  }

  /**
   * Creates the topic if missing and reads the latest checkpoint; undefined on a first start. A job's
   * checkpoint topic of an older release (legacyCheckpointTopicFor) is migrated on the way: its latest
   * checkpoint is copied when the new topic has none, then the old topic is deleted.
   */
  async load(timeoutMs = 30_000): Promise<JobCheckpoint | undefined> {
    const legacyTopic = legacyCheckpointTopicFor(this.groupId);
    const admin = this.kafka.admin();
    await admin.connect();
    let end: bigint;
    let legacyEnd: bigint | undefined;
    try {
      await admin.createTopics([
        // Compaction keeps the latest checkpoint only; small segments let it run soon.
        { topic: this.topic, partitions: 1, replicationFactor: DEFAULT_REPLICATION_FACTOR, configs: { 'cleanup.policy': 'compact', 'segment.ms': '600000' } },
      ]);
      // Listed before the new topic's end is read: an old topic gone by then was deleted after its checkpoint
      // was copied (by another member), so the end read next already counts that copy.
      const legacyExists = (await admin.listTopics()).includes(legacyTopic);
      end = await endOffset(admin, this.topic);
      if (legacyExists) legacyEnd = await endOffset(admin, legacyTopic);
    } finally {
      await admin.disconnect();
    }
    if (end > 0n) {
      const checkpoint = await this.readLast(this.topic, end - 1n, timeoutMs);
      // Left by a migration stopped between its copy and its delete.
      if (legacyEnd !== undefined) await this.dropLegacy(legacyTopic);
      return checkpoint;
    }
    return legacyEnd === undefined ? undefined : this.migrate(legacyTopic, legacyEnd, timeoutMs);
  }

  /** Copies the old release's latest checkpoint into this topic (acknowledged), then deletes the old topic. */
  private async migrate(legacyTopic: string, legacyEnd: bigint, timeoutMs: number): Promise<JobCheckpoint | undefined> {
    const checkpoint = legacyEnd > 0n ? await this.readLast(legacyTopic, legacyEnd - 1n, timeoutMs) : undefined;
    if (checkpoint) {
      const producer = this.kafka.producer();
      await producer.connect();
      try {
        await producer.send([this.record(checkpoint)]);
      } finally {
        await producer.disconnect();
      }
    }
    await this.dropLegacy(legacyTopic);
    return checkpoint;
  }

  /** The checkpoint record to send with a batch's outputs. */
  record(checkpoint: JobCheckpoint): OutgoingRecord {
    return { topic: this.topic, key: this.groupId, value: Buffer.from(JSON.stringify(checkpoint)), partition: 0 };
  }

  /** Deletes the old release's topic once its checkpoint is in the new one. */
  private async dropLegacy(topic: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics([topic]);
    } catch {
      // The checkpoint is safe in the new topic and the job must not fail to start over a leftover it no
      // longer reads (another member may have deleted it first); the next start tries again.
    } finally {
      await admin.disconnect();
    }
  }

  /** Reads a checkpoint topic from its start up to `lastOffset` with a throwaway group that commits nothing. */
  private async readLast(topic: string, lastOffset: bigint, timeoutMs: number): Promise<JobCheckpoint | undefined> {
    const consumer = this.kafka.consumer({ groupId: `${this.groupId}.checkpoint-reader-${randomUUID()}`, topics: [topic], fromBeginning: true, maxWaitMs: 50 });
    let latest: Buffer | null = null;
    let settle: (reached: boolean) => void = () => undefined;
    const reached = new Promise<boolean>((resolve) => (settle = resolve));
    const timer = setTimeout(() => settle(false), timeoutMs);
    await consumer.connect();
    try {
      await consumer.run(async ({ records }) => {
        for (const record of records) {
          if (record.key?.toString() === this.groupId) latest = record.value;
          if (BigInt(record.offset) >= lastOffset) settle(true);
        }
      });
      if (!(await reached)) throw new CheckpointUnreadable(topic, `offset ${lastOffset} was not reached within ${timeoutMs} ms`);
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }
    if (latest === null) return undefined;
    try {
      return JSON.parse((latest as Buffer).toString()) as JobCheckpoint;
    } catch (cause) {
      throw new CheckpointUnreadable(topic, 'its latest record is not a checkpoint', { cause });
    }
  }
}

async function endOffset(admin: KafkaAdminPort, topic: string): Promise<bigint> {
  const [partition] = await admin.fetchTopicEndOffsets(topic);
  return BigInt(partition?.offset ?? '0');
}
