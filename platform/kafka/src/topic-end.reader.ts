import { randomUUID } from 'node:crypto';
import { TopicEndNotReached, TopicNotFound } from './errors';
import type { ConsumedRecord, KafkaPort } from './ports';

export interface ReadTopicToEndOptions {
  /** How long reading to the end of the topic may take. Default 30 s (also when undefined). */
  timeoutMs?: number | undefined;
  /** The throw-away consumer group is `<groupPrefix>-<uuid>`, so the broker's group list says who read. */
  groupPrefix?: string;
}

/**
 * Every record of a topic, from its beginning to the end offsets it had when called, as consumed (in
 * offset order per partition). Records written after the call are left out, so the read ends even while
 * producers keep writing. Uses a throw-away consumer group (the port offers group consumers only); its
 * offsets are never needed again and expire with the broker's offsets.retention.minutes.
 * Throws TopicNotFound when the topic does not exist and TopicEndNotReached when time runs out.
 */
export async function readTopicToEnd(kafka: KafkaPort, topic: string, options: ReadTopicToEndOptions = {}): Promise<ConsumedRecord[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(topic)) throw new TopicNotFound(topic, 'Reading to the end');
    ends = new Map((await admin.fetchTopicEndOffsets(topic)).map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([, end]) => end > 0n).map(([partition]) => partition));
  const records: ConsumedRecord[] = [];
  if (pending.size === 0) return records;

  const groupId = `${options.groupPrefix ?? 'fieldmesh-topic-reader'}-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, topics: [topic], fromBeginning: true, maxBatchRecords: 5_000, maxWaitMs: 200 });
  let done!: () => void;
  const reachedEnd = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.run(async (batch) => {
      for (const record of batch.records) {
        const end = ends.get(record.partition);
        if (end === undefined || BigInt(record.offset) >= end) continue; // written after the read began
        records.push(record);
        if (BigInt(record.offset) + 1n >= end) pending.delete(record.partition);
      }
      if (pending.size === 0) done();
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TopicEndNotReached(topic, [...pending], timeoutMs)), timeoutMs);
    });
    await Promise.race([reachedEnd, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return records;
}
