import type { ConsumedRecord } from '@fieldmesh/kafka';
import type { StreamRecord } from './stream.types';

/** A consumed record with its decoded value as handlers see it: key and headers as UTF-8 strings. */
export function toStreamRecord<T>(record: ConsumedRecord, value: T): StreamRecord<T> {
  const headers: Record<string, string> = {};
  for (const name in record.headers) headers[name] = (record.headers[name] as Buffer).toString();
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key === null ? null : record.key.toString(),
    value,
    timestamp: record.timestamp,
    headers,
  };
}
