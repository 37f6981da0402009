import { createDlqTopic, DlqWriter, dlqTopicFor, readDlqHeaders } from '@fieldmesh/kafka';
import { describe, expect, inject, it } from 'vitest';
import { AvroSerde, decodeBatch } from '../src/index';
import { consumeAll, kafka, rawReading, rawReadingSchema, uniqueName, waitFor } from './support';

describe('a consumer with the serde and the DLQ writer', () => {
  it('dead-letters corrupt records with the reason and processes every good record after them', async () => {
    const port = kafka();
    const serde = new AvroSerde({ registryUrl: inject('registryUrl') });
    const topic = uniqueName('poison');
    const admin = port.admin();
    const producer = port.producer();
    const groupId = uniqueName('group');
    const consumer = port.consumer({ groupId, topics: [topic], maxBatchRecords: 3 });
    const dlqConsumer = port.consumer({ groupId: uniqueName('dlq-reader'), topics: [dlqTopicFor(topic)] });
    await admin.connect();
    try {
      await admin.createTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
      await createDlqTopic(admin, topic);
      const writer = await serde.writerFor(topic, rawReadingSchema);
      const good = (sequence: bigint) => ({ good: true, value: serde.encode(writer, rawReading(sequence)) });
      const valid = serde.encode(writer, rawReading(0n));
      const unknownId = Buffer.from(valid);
      unknownId.writeInt32BE(0x7ffffff1, 1);
      const trailing = Buffer.concat([valid, Buffer.from([0])]);
      const sent = [
        good(1n),
        { good: false, value: Buffer.from('{"signal":"temp"}'), expected: 'UnknownMagicByte', reason: 'magic byte 0x7b' },
        good(2n),
        { good: false, value: unknownId, expected: 'UnknownSchemaId', reason: '40403' },
        good(3n),
        { good: false, value: valid.subarray(0, valid.length - 7), expected: 'MalformedAvroBody', reason: 'truncated' },
        { good: false, value: Buffer.from([0, 0, 0]), expected: 'PayloadTooShort', reason: 'payload of 3 bytes' },
        good(4n),
        { good: false, value: trailing, expected: 'MalformedAvroBody', reason: 'trailing bytes' },
        good(5n),
      ];
      await producer.connect();
      await producer.send(sent.map(({ value }) => ({ topic, key: 'press-4', value })));

      const processed: bigint[] = [];
      const dlq = new DlqWriter(producer);
      await consumeAll(consumer, sent.length, async (records) => {
        const { decoded, failures } = await decodeBatch<ReturnType<typeof rawReading>>(serde, records);
        processed.push(...decoded.map(({ value }) => value!.sequenceNumber));
        await dlq.write(failures.map((failure) => ({ ...failure, stage: 'deserialize' })));
      });

      expect(processed).toEqual([1n, 2n, 3n, 4n, 5n]);
      const bad = sent.filter((entry) => !entry.good);
      const letters = await consumeAll(dlqConsumer, bad.length);
      expect(letters).toHaveLength(bad.length);
      for (const [i, letter] of letters.entries()) {
        const expected = bad[i] as (typeof bad)[number] & { expected: string; reason: string };
        const info = readDlqHeaders(letter.headers);
        expect(letter.value).toEqual(expected.value);
        expect(info).toMatchObject({ topic, partition: 0, stage: 'deserialize', exceptionClassName: expected.expected });
        expect(info!.exceptionMessage).toContain(expected.reason);
        expect(info!.offset).toBe(String(sent.indexOf(expected)));
      }
      // Every record is accounted for: processed plus dead-lettered equals what was written.
      const [end] = await admin.fetchTopicEndOffsets(topic);
      expect(processed.length + letters.length).toBe(Number(end!.offset));
      expect(dlq.deadLettered()).toEqual([{ topic, stage: 'deserialize', count: bad.length }]);
      // The group moved past the poison records: its committed offset reaches the end of the topic.
      await waitFor('the group to commit the last batch', async () => {
        const committed = await admin.fetchGroupOffsets(groupId, topic);
        return committed[0]?.offset === end!.offset;
      });
    } finally {
      await dlqConsumer.disconnect();
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics([topic, dlqTopicFor(topic)]).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
