import { randomUUID } from 'node:crypto';
import type { KafkaPort } from '@fieldmesh/kafka';
import { z } from 'zod';
import { SloEventsReadFailed } from './errors';
import { SLO_TOPIC, sloNames, type SloEvent } from './slo.types';

export const sloEventSchema = z.object({
  type: z.enum(['BREACHED', 'RECOVERED']),
  product: z.string(),
  topic: z.string(),
  slo: z.enum(sloNames),
  scope: z.string(),
  observed: z.number(),
  objective: z.number(),
  at: z.string(),
  message: z.string(),
}) satisfies z.ZodType<SloEvent>;

export interface ReadSloEventsOptions {
  /** How long reading to the end of the topic may take. Default 30 s. */
  timeoutMs?: number;
  /** Only events at or after this time (epoch ms). */
  sinceMs?: number;
}

/**
 * Every SLO event on the topic, oldest first, up to the end the topic had when called (for the console
 * and reports). A topic that does not exist yet holds no events: no monitor has run. Records that are not
 * SLO events are skipped. Uses a throw-away consumer group, as the port offers group consumers only.
 */
export async function readSloEvents(kafka: KafkaPort, topic = SLO_TOPIC, options: ReadSloEventsOptions = {}): Promise<SloEvent[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    ends = new Map((await admin.fetchTopicEndOffsets(topic)).map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([, end]) => end > 0n).map(([partition]) => partition));
  if (pending.size === 0) return [];

  const events: SloEvent[] = [];
  const consumer = kafka.consumer({ groupId: `fieldmesh-slo-reader-${randomUUID()}`, topics: [topic], fromBeginning: true, maxBatchRecords: 5_000, maxWaitMs: 200 });
  let done!: () => void;
  const reachedEnd = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.run(async (batch) => {
      for (const record of batch.records) {
        const end = ends.get(record.partition);
        if (end === undefined || BigInt(record.offset) >= end) continue; // written after the read began
        const event = parse(record.value);
        if (event && (options.sinceMs === undefined || Date.parse(event.at) >= options.sinceMs)) events.push(event);
        if (BigInt(record.offset) + 1n >= end) pending.delete(record.partition);
      }
      if (pending.size === 0) done();
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SloEventsReadFailed(topic, `the end of partitions ${[...pending].join(', ')} was not reached within ${timeoutMs} ms; check that the broker is healthy`)), timeoutMs);
    });
    await Promise.race([reachedEnd, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function parse(value: Buffer | null): SloEvent | undefined {
  if (!value) return undefined;
  try {
    const parsed = sloEventSchema.safeParse(JSON.parse(value.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
