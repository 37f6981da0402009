import { createDlqTopic, DlqWriter, dlqTopicFor, readDlqHeaders, type ConsumedRecord } from '@fieldmesh/kafka';
import { describe, expect, inject, it } from 'vitest';
import { AvroSerde, decodeBatch, subjectFor, type WriterSchema } from '../src/index';
import { consumeAll, kafka, rawReading, rawReadingSchema, uniqueName } from './support';

type Reading = ReturnType<typeof rawReading>;

/** RawReading under another name: what a producer would register to write look-alike records through another subject. */
const forgedSchema = { ...(rawReadingSchema as Record<string, unknown>), name: 'ForgedReading', namespace: 'fieldmesh.test.forged' };

/** RawReading's next version, compatible (BACKWARD): an optional field with a default. */
const nextVersionSchema = {
  ...(rawReadingSchema as { fields: object[] }),
  fields: [...(rawReadingSchema as { fields: object[] }).fields, { name: 'shift', type: ['null', 'string'], default: null }],
};

interface Sent {
  value: Buffer;
  /** The DLQ's exception class when the record must be dead-lettered; undefined for a good record. */
  refusedAs?: string;
}

/**
 * Writes `sent` to a new product-like topic, consumes it as a Fieldmesh consumer does (decodeBatch, the
 * DLQ writer, commits after both), and returns what was processed and what was dead-lettered.
 */
async function consumeThroughDlq(topic: string, sent: Sent[], serde: AvroSerde) {
  const port = kafka();
  const admin = port.admin();
  const producer = port.producer();
  const consumer = port.consumer({ groupId: uniqueName('group'), topics: [topic], maxBatchRecords: 4 });
  const dlqConsumer = port.consumer({ groupId: uniqueName('dlq-reader'), topics: [dlqTopicFor(topic)] });
  await admin.connect();
  try {
    await producer.connect();
    await producer.send(sent.map(({ value }) => ({ topic, key: 'press-4', value })));
    const processed: bigint[] = [];
    const dlq = new DlqWriter(producer);
    await consumeAll(consumer, sent.length, async (records) => {
      const { decoded, failures } = await decodeBatch<Reading>(serde, records);
      processed.push(...decoded.map(({ value }) => value!.sequenceNumber));
      await dlq.write(failures.map((failure) => ({ ...failure, stage: 'deserialize' })));
    });
    // Every batch's letters were written before consumeAll saw its records: the writer's count is final,
    // and reading what it wrote (rather than what the test expects) lets a wrong count fail at once.
    const written = dlq.deadLettered().reduce((sum, entry) => sum + entry.count, 0);
    const letters: ConsumedRecord[] = written > 0 ? await consumeAll(dlqConsumer, written) : [];
    const [end] = await admin.fetchTopicEndOffsets(topic);
    return { processed, letters, end: Number(end!.offset), deadLettered: dlq.deadLettered() };
  } finally {
    await dlqConsumer.disconnect();
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics([topic, dlqTopicFor(topic)]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function createProductTopic(topic: string): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
    await createDlqTopic(admin, topic);
  } finally {
    await admin.disconnect();
  }
}

describe("consumers trust only the schema versions of their topic's subject", () => {
  const registryUrl = inject('registryUrl');

  it("dead-letters records framed with another subject's schema id, naming id, topic and subject, while valid records flow", async () => {
    const topic = uniqueName('product');
    const otherTopic = uniqueName('other-product');
    await createProductTopic(topic);
    const producerSerde = new AvroSerde({ registryUrl });
    const writer = await producerSerde.writerFor(topic, rawReadingSchema);
    // Registered under the other topic's subject only: the registry knows the id, the topic's subject does not.
    const forger = await producerSerde.writerFor(otherTopic, forgedSchema);
    expect(forger.schemaId).not.toBe(writer.schemaId);
    const good = (sequence: bigint): Sent => ({ value: producerSerde.encode(writer, rawReading(sequence)) });
    const forged = (sequence: bigint): Sent => ({ value: producerSerde.encode(forger, rawReading(sequence)), refusedAs: 'SchemaNotInSubject' });
    const sent = [good(1n), forged(101n), good(2n), good(3n), forged(102n), forged(103n), good(4n), good(5n), forged(104n), good(6n)];

    const consumerSerde = new AvroSerde({ registryUrl });
    const { processed, letters, end, deadLettered } = await consumeThroughDlq(topic, sent, consumerSerde);

    expect(processed).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    expect(letters).toHaveLength(4);
    expect(processed.length + letters.length).toBe(end);
    expect(deadLettered).toEqual([{ topic, stage: 'deserialize', count: 4 }]);
    const refused = sent.filter((entry) => entry.refusedAs !== undefined);
    for (const [i, letter] of letters.entries()) {
      const info = readDlqHeaders(letter.headers)!;
      expect(letter.value).toEqual(refused[i]!.value);
      expect(info).toMatchObject({ topic, partition: 0, stage: 'deserialize', exceptionClassName: 'SchemaNotInSubject', offset: String(sent.indexOf(refused[i]!)) });
      expect(info.exceptionMessage).toContain(`schema id ${forger.schemaId} is not a registered version of subject ${subjectFor(topic)} of topic ${topic}`);
      expect(info.exceptionMessage).toContain(`registered under ${subjectFor(otherTopic)}/1`);
    }
  });

  it('trusts a version registered under the subject after start without a restart, even one whose id another subject already held', async () => {
    let now = 1_000_000;
    const consumerSerde = new AvroSerde({ registryUrl, schemaVersionsRefreshMs: 30_000 }, () => now);
    // The consumer learns where the id is registered from a first topic's records.
    const firstTopic = uniqueName('first-owner');
    const first = await new AvroSerde({ registryUrl }).writerFor(firstTopic, forgedSchema);
    const bytes = new AvroSerde({ registryUrl }).encode(first, rawReading(7n));
    expect((await consumerSerde.decode<Reading>(bytes, { topic: firstTopic })).value.sequenceNumber).toBe(7n);

    // A topic created later with the same schema: the registry gives it the same id, and its records are trusted at once.
    const laterTopic = uniqueName('later-product');
    const later = await new AvroSerde({ registryUrl }).writerFor(laterTopic, forgedSchema);
    expect(later.schemaId).toBe(first.schemaId);
    expect((await consumerSerde.decode<Reading>(bytes, { topic: laterTopic })).value.sequenceNumber).toBe(7n);

    // A forged record seen before the registration: the registry's no is remembered for the refresh time, not longer.
    const forgedFirstTopic = uniqueName('forged-first');
    await expect(consumerSerde.decode(bytes, { topic: forgedFirstTopic })).rejects.toMatchObject({ name: 'SchemaNotInSubject', topic: forgedFirstTopic, schemaId: first.schemaId });
    await new AvroSerde({ registryUrl }).writerFor(forgedFirstTopic, forgedSchema);
    await expect(consumerSerde.decode(bytes, { topic: forgedFirstTopic })).rejects.toMatchObject({ name: 'SchemaNotInSubject' });
    now += 30_000;
    expect((await consumerSerde.decode<Reading>(bytes, { topic: forgedFirstTopic })).value.sequenceNumber).toBe(7n);
  });

  it("with the consumer's contract schemas, dead-letters a version of the subject the contract does not pin", async () => {
    const topic = uniqueName('contract');
    await createProductTopic(topic);
    const producerSerde = new AvroSerde({ registryUrl });
    const pinned = await producerSerde.writerFor(topic, rawReadingSchema);
    // A compatible next version, registered under the right subject, but not the schema the consumer's contract pins.
    const unpinned: WriterSchema = await producerSerde.writerFor(topic, nextVersionSchema);
    expect(unpinned.schemaId).not.toBe(pinned.schemaId);
    const sent: Sent[] = [
      { value: producerSerde.encode(pinned, rawReading(1n)) },
      { value: producerSerde.encode(unpinned, { ...rawReading(201n), shift: 'night' }), refusedAs: 'SchemaNotInContract' },
      { value: producerSerde.encode(pinned, rawReading(2n)) },
    ];

    const consumerSerde = new AvroSerde({ registryUrl, contractSchemas: { [topic]: [rawReadingSchema] } });
    const { processed, letters, end } = await consumeThroughDlq(topic, sent, consumerSerde);

    expect(processed).toEqual([1n, 2n]);
    expect(processed.length + letters.length).toBe(end);
    const info = readDlqHeaders(letters[0]!.headers)!;
    expect(info).toMatchObject({ topic, exceptionClassName: 'SchemaNotInContract', offset: '1' });
    expect(info.exceptionMessage).toContain(`schema id ${unpinned.schemaId} of subject ${subjectFor(topic)} (topic ${topic}) is not a version the consumer's contract allows`);
    // Without the contract the same version is a legal version of the subject.
    expect((await new AvroSerde({ registryUrl }).decode<Reading>(sent[1]!.value, { topic })).value.sequenceNumber).toBe(201n);
  });
});
