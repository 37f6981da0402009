import { readTopicToEnd, TopicEndNotReached, TopicNotFound, type ConsumedRecord, type KafkaPort } from '@fieldmesh/kafka';
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
 * SLO events are skipped.
 */
export async function readSloEvents(kafka: KafkaPort, topic = SLO_TOPIC, options: ReadSloEventsOptions = {}): Promise<SloEvent[]> {
  let records: ConsumedRecord[];
  try {
    records = await readTopicToEnd(kafka, topic, { timeoutMs: options.timeoutMs, groupPrefix: 'fieldmesh-slo-reader' });
  } catch (error) {
    if (error instanceof TopicNotFound) return [];
    if (error instanceof TopicEndNotReached)
      throw new SloEventsReadFailed(topic, `the end of partitions ${error.partitions.join(', ')} was not reached within ${error.timeoutMs} ms; check that the broker is healthy`, {
        cause: error,
      });
    throw error;
  }
  const events: SloEvent[] = [];
  for (const record of records) {
    const event = parse(record.value);
    if (event && (options.sinceMs === undefined || Date.parse(event.at) >= options.sinceMs)) events.push(event);
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
