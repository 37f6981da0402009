import { randomUUID } from 'node:crypto';
import { type ConsumedRecord, createKafka } from '@fieldmesh/kafka';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

export interface TelemetryRecord {
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: Record<string, unknown>;
}

/**
 * Reads a topic from the beginning with a fresh consumer group and decodes every value with the
 * official Confluent client (what a downstream service would use), until `until` holds or time runs out.
 */
export async function readTelemetry(options: {
  brokers: string;
  registryUrl: string;
  topic: string;
  until: (records: TelemetryRecord[]) => boolean;
  timeoutMs: number;
  decode?: boolean;
}): Promise<TelemetryRecord[]> {
  const registry = new SchemaRegistry({ host: options.registryUrl });
  const kafka = createKafka({ clientId: 'e2e-reader', brokers: [options.brokers] });
  const consumer = kafka.consumer({ groupId: `e2e-${randomUUID()}`, topics: [options.topic], fromBeginning: true, maxWaitMs: 200 });
  const records: TelemetryRecord[] = [];
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const toRecord = async (record: ConsumedRecord): Promise<TelemetryRecord> => ({
    partition: record.partition,
    offset: record.offset,
    key: record.key?.toString() ?? null,
    headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, v.toString()])),
    value: options.decode === false ? { raw: record.value } : ((await registry.decode(record.value!)) as Record<string, unknown>),
  });
  await consumer.connect();
  await consumer.run(async (batch) => {
    for (const record of batch.records) records.push(await toRecord(record));
    if (options.until(records)) resolveDone();
  });
  const timer = setTimeout(resolveDone, options.timeoutMs);
  await done;
  clearTimeout(timer);
  await consumer.disconnect();
  return records;
}
