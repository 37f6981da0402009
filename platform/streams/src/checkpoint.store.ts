import { randomUUID } from 'node:crypto';
import type { KafkaPort, OutgoingRecord } from '@fieldmesh/kafka';
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

/** `<groupId>.checkpoints`: one compacted single-partition topic per windowed job. */
export function checkpointTopicFor(groupId: string): string {
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

  /** Creates the topic if missing and reads the latest checkpoint; undefined on a first start. */
  async load(timeoutMs = 30_000): Promise<JobCheckpoint | undefined> {
    const admin = this.kafka.admin();
    await admin.connect();
    let end: bigint;
    try {
      await admin.createTopics([
        // Compaction keeps the latest checkpoint only; small segments let it run soon.
        { topic: this.topic, partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'segment.ms': '600000' } },
      ]);
      const [partition] = await admin.fetchTopicEndOffsets(this.topic);
      end = BigInt(partition?.offset ?? '0');
    } finally {
      await admin.disconnect();
    }
    if (end === 0n) return undefined;
    return this.readLast(end - 1n, timeoutMs);
  }

  /** The checkpoint record to send with a batch's outputs. */
  record(checkpoint: JobCheckpoint): OutgoingRecord {
    return { topic: this.topic, key: this.groupId, value: Buffer.from(JSON.stringify(checkpoint)), partition: 0 };
  }

  /** Reads the topic from its start up to `lastOffset` with a throwaway group that commits nothing. */
  private async readLast(lastOffset: bigint, timeoutMs: number): Promise<JobCheckpoint | undefined> {
    const consumer = this.kafka.consumer({ groupId: `${this.groupId}.checkpoint-reader-${randomUUID()}`, topics: [this.topic], fromBeginning: true, maxWaitMs: 50 });
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
      if (!(await reached)) throw new CheckpointUnreadable(this.topic, `offset ${lastOffset} was not reached within ${timeoutMs} ms`);
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }
    if (latest === null) return undefined;
    try {
      return JSON.parse((latest as Buffer).toString()) as JobCheckpoint;
    } catch (cause) {
      throw new CheckpointUnreadable(this.topic, 'its latest record is not a checkpoint', { cause });
    }
  }
}
