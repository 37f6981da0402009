import { randomUUID } from 'node:crypto';
import type { ConsumedRecord, KafkaPort } from '@fieldmesh/kafka';
import { LineageReadFailed } from './errors';
import { LineageGraph } from './lineage.graph';
import { LINEAGE_TOPIC } from './lineage.topic';

export interface ReadLineageOptions {
  topic?: string;
  /** How long reading to the end of the topic may take. Default 30 s. */
  timeoutMs?: number;
}

function parse(record: ConsumedRecord): unknown {
  if (!record.value) return undefined; // a tombstone: nothing to add
  try {
    return JSON.parse(record.value.toString('utf8'));
  } catch {
    return record.value.toString('utf8'); // counted as skipped by the graph
  }
}

/**
 * Reads the lineage topic from its beginning to the end offsets it had when called, and builds the
 * graph. Uses a throw-away consumer group (the port offers group consumers only); its offsets are never
 * needed again and expire with the broker's offsets.retention.minutes.
 */
export async function readLineageGraph(kafka: KafkaPort, options: ReadLineageOptions = {}): Promise<LineageGraph> {
  const topic = options.topic ?? LINEAGE_TOPIC;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      throw new LineageReadFailed(topic, 'the topic does not exist: no job has emitted lineage yet (jobs create it with their lineage emitter)');
    }
    ends = new Map((await admin.fetchTopicEndOffsets(topic)).map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([, end]) => end > 0n).map(([partition]) => partition));
  if (pending.size === 0) return LineageGraph.fromEvents([]);

  const events: unknown[] = [];
  const consumer = kafka.consumer({ groupId: `fieldmesh-lineage-reader-${randomUUID()}`, topics: [topic], fromBeginning: true, maxBatchRecords: 5_000, maxWaitMs: 200 });
  let done!: () => void;
  const reachedEnd = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.run(async (batch) => {
      for (const record of batch.records) {
        const end = ends.get(record.partition);
        if (end === undefined || BigInt(record.offset) >= end) continue; // written after the read began
        const event = parse(record);
        if (event !== undefined) events.push(event);
        if (BigInt(record.offset) + 1n >= end) pending.delete(record.partition);
      }
      if (pending.size === 0) done();
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LineageReadFailed(topic, `the end of partitions ${[...pending].join(', ')} was not reached within ${timeoutMs} ms; check that the broker is healthy`)), timeoutMs);
    });
    await Promise.race([reachedEnd, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return LineageGraph.fromEvents(events);
}
