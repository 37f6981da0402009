import { describe, expect, it } from 'vitest';
import { readTopicToEnd, TopicNotFound, type KafkaClientName } from '../src/index';
import { ADAPTERS, kafkaFor, uniqueName, withTopic } from './support';

describe.each(ADAPTERS)('readTopicToEnd on %s', (client: KafkaClientName) => {
  const kafka = kafkaFor(client);

  it('returns every record up to the end offsets the topic had when called, of every partition', async () => {
    const { topic, drop } = await withTopic(kafka, 3);
    const producer = kafka.producer();
    try {
      await producer.connect();
      await producer.send(Array.from({ length: 20 }, (_, i) => ({ topic, key: `asset-${i % 4}`, value: Buffer.from(`event ${i}`) })));
      const records = await readTopicToEnd(kafka, topic, { timeoutMs: 20_000 });
      expect(records.map((r) => r.value?.toString()).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `event ${i}`).sort());

      await producer.send([{ topic, key: 'asset-0', value: Buffer.from('event 20') }]);
      expect(await readTopicToEnd(kafka, topic, { timeoutMs: 20_000 })).toHaveLength(21);
    } finally {
      await producer.disconnect();
      await drop();
    }
  });

  it('returns nothing for an empty topic and throws TopicNotFound for a missing one', async () => {
    const { topic, drop } = await withTopic(kafka, 2);
    try {
      expect(await readTopicToEnd(kafka, topic)).toEqual([]);
    } finally {
      await drop();
    }
    await expect(readTopicToEnd(kafka, uniqueName('missing'))).rejects.toBeInstanceOf(TopicNotFound);
  });
});
