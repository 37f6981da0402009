import { randomUUID } from 'node:crypto';
import { type ConsumedRecord, createKafka, dlqTopicFor, readDlqHeaders } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';

export interface ReadRecord {
  key: string | null;
  value: Record<string, unknown>;
  headers: Record<string, string>;
}

/**
 * For integration tests and tools: reads a topic from its start with a throwaway group and decodes every value through the registry, until
 * `until` holds or the time is up (then it returns what it has, and the test's assertions say what is missing).
 */
export async function readTopic(options: {
  brokers: string;
  registryUrl: string;
  topic: string;
  until: (records: ReadRecord[]) => boolean;
  timeoutMs: number;
  /** Values are Avro through the registry (default) or JSON (the lineage topic). */
  format?: 'avro' | 'json';
}): Promise<ReadRecord[]> {
  const serde = new AvroSerde({ registryUrl: options.registryUrl });
  const consumer = createKafka({ clientId: 'test-reader', brokers: [options.brokers] }).consumer({
    groupId: `reader-${randomUUID()}`,
    topics: [options.topic],
    fromBeginning: true,
    maxWaitMs: 100,
  });
  const records: ReadRecord[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const toRecord = async (record: ConsumedRecord): Promise<ReadRecord> => ({
    key: record.key?.toString() ?? null,
    value:
      options.format === 'json'
        ? (JSON.parse(record.value!.toString()) as Record<string, unknown>)
        : (await serde.decode<Record<string, unknown>>(record.value!, { topic: writtenFor(record, options.topic) })).value,
    headers: Object.fromEntries(Object.entries(record.headers).map(([name, value]) => [name, value.toString()])),
  });
  await consumer.connect();
  const timer = setTimeout(done, options.timeoutMs);
  try {
    await consumer.run(async (batch) => {
      for (const record of batch.records) records.push(await toRecord(record));
      if (options.until(records)) done();
    });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return records;
}

/**
 * The topic whose subject a record's schema id must belong to: a dead letter keeps the bytes written for
 * the topic it came from, which its headers name (trusted only when this is that topic's DLQ).
 */
function writtenFor(record: ConsumedRecord, topic: string): string {
  const origin = readDlqHeaders(record.headers)?.topic;
  return origin !== undefined && dlqTopicFor(origin) === topic ? origin : topic;
}
