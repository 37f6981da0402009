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
  /** Per partition: records read, the first offset and the next after the last, for the report when time runs out. */
  const read = new Map<number, PartitionRead>();
  await consumer.connect();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    done();
  }, options.timeoutMs);
  try {
    await consumer.run(async (batch) => {
      for (const record of batch.records) {
        records.push(await toRecord(record));
        const offset = BigInt(record.offset);
        const partition = read.get(record.partition) ?? { records: 0, first: offset, next: 0n };
        read.set(record.partition, { records: partition.records + 1, first: partition.first, next: offset + 1n });
      }
      if (options.until(records)) done();
    });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  if (timedOut && !options.until(records)) await reportShortRead(options, read, records.length);
  return records;
}

interface PartitionRead {
  records: number;
  first: bigint;
  next: bigint;
}

/**
 * Says where a read that ran out of time stopped, partition by partition against the topic's end offsets, when it
 * holds fewer records than offsets: the reader stopped short, or offsets hold no record it could read (deleted by
 * retention, transaction markers, aborted records). Silent when every offset was read (a read meant to last).
 */
async function reportShortRead(options: { brokers: string; topic: string; timeoutMs: number }, read: Map<number, PartitionRead>, total: number): Promise<void> {
  const admin = createKafka({ clientId: 'test-reader', brokers: [options.brokers] }).admin();
  try {
    await admin.connect();
    const ends = await admin.fetchTopicEndOffsets(options.topic);
    if (ends.reduce((offsets, { offset }) => offsets + BigInt(offset), 0n) <= BigInt(total)) return;
    const partitions = ends.map(({ partition, offset }) => {
      const got = read.get(partition);
      return got ? `${partition}: ${got.records} read, offsets ${got.first} to ${got.next} of ${offset}` : `${partition}: none read of ${offset}`;
    });
    console.warn(
      `readTopic ${options.topic}: ${total} records when ${options.timeoutMs} ms ran out, the condition unmet; partitions ${partitions.join('; ')} ` +
        '(offsets read past but not read as records were deleted by retention, or are transaction markers or aborted records)',
    );
  } catch (error) {
    console.warn(`readTopic ${options.topic}: ${total} records when ${options.timeoutMs} ms ran out; end offsets unknown (${String(error)})`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The topic whose subject a record's schema id must belong to: a dead letter keeps the bytes written for
 * the topic it came from, which its headers name (trusted only when this is that topic's DLQ).
 */
function writtenFor(record: ConsumedRecord, topic: string): string {
  const origin = readDlqHeaders(record.headers)?.topic;
  return origin !== undefined && dlqTopicFor(origin) === topic ? origin : topic;
}
