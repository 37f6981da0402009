import { murmur2 } from '@platformatic/kafka';
import type { KafkaMessage } from './platformatic.base';
import type { OutgoingRecord } from './ports';
import { headerBuffers, keyBuffer } from './records';

/** A record as @platformatic/kafka's Producer.send takes it. */
export type PlatformaticOutgoing = Pick<KafkaMessage, 'topic'> & {
  key?: Buffer;
  value?: Buffer;
  headers: Map<Buffer, Buffer>;
  partition?: number;
  timestamp?: bigint;
};

/**
 * Keyed records go where the Java client and kafkajs put them (murmur2 masked positive, modulo the
 * partition count, applied by the library); the library's own default uses the unsigned hash instead,
 * which sends about half the keys to another partition than every other producer of the same topic.
 */
export function javaCompatiblePartitioner(): (message: unknown, key: Buffer | undefined) => number {
  let next = 0;
  return (_message, key) => (key ? murmur2(key) & 0x7fffffff : next++ & 0x7fffffff);
}

export function toPlatformaticMessage(record: OutgoingRecord): PlatformaticOutgoing {
  const key = keyBuffer(record.key);
  return {
    topic: record.topic,
    ...(key ? { key } : {}),
    // A null value is a tombstone, which the library writes for an absent value.
    ...(record.value === null ? {} : { value: record.value }),
    headers: new Map(headerBuffers(record.headers).map(([name, value]) => [Buffer.from(name), value])),
    ...(record.partition === undefined ? {} : { partition: record.partition }),
    ...(record.timestamp === undefined ? {} : { timestamp: BigInt(record.timestamp) }),
  };
}
