import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { describe, expect, inject, it } from 'vitest';
import { AvroSerde, subjectFor } from '../src/index';
import { consumeAll, kafka, rawReading, rawReadingSchema, uniqueName } from './support';

describe('Avro through Kafka and the registry, interoperating with the official client', () => {
  const registryUrl = inject('registryUrl');
  const port = kafka();

  async function roundTrip(produce: (topic: string) => Promise<Buffer[]>): Promise<Buffer[]> {
    const topic = uniqueName('roundtrip');
    const admin = port.admin();
    const producer = port.producer();
    const consumer = port.consumer({ groupId: uniqueName('group'), topics: [topic] });
    await admin.connect();
    try {
      await admin.createTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
      const values = await produce(topic);
      await producer.connect();
      await producer.send(values.map((value) => ({ topic, key: 'press-4', value })));
      const received = await consumeAll(consumer, values.length);
      return received.map((record) => record.value!);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics([topic]).catch(() => undefined);
      await admin.disconnect();
    }
  }

  it('writes records that @kafkajs/confluent-schema-registry decodes', async () => {
    const serde = new AvroSerde({ registryUrl });
    const official = new SchemaRegistry({ host: registryUrl });
    const sent = [1n, 2n, 3n].map(rawReading);
    let topic = '';
    const received = await roundTrip(async (name) => {
      topic = name;
      const writer = await serde.writerFor(name, rawReadingSchema);
      expect(writer.subject).toBe(`${name}-value`);
      return sent.map((reading) => serde.encode(writer, reading));
    });
    const decoded = await Promise.all(received.map((bytes) => official.decode(bytes)));
    // Without logical types the official client reads timestamps as epoch millis and longs as numbers.
    expect(decoded).toEqual(
      sent.map((reading) => ({
        ...reading,
        readingTime: reading.readingTime.getTime(),
        receivedTime: reading.receivedTime.getTime(),
        sequenceNumber: Number(reading.sequenceNumber),
      })),
    );
    expect(await official.getLatestSchemaId(subjectFor(topic))).toBe(received[0]!.readInt32BE(1));
  });

  it('reads records written by @kafkajs/confluent-schema-registry', async () => {
    // The registry is governed: the official client writes with a token as basic auth's password, as its users configure it.
    const official = new SchemaRegistry({ host: registryUrl, auth: { username: 'official-client', password: inject('registryToken') } });
    const serde = new AvroSerde({ registryUrl });
    const sent = [4n, 5n].map(rawReading);
    let topic = '';
    const received = await roundTrip(async (name) => {
      topic = name;
      // A service principal may not set compatibility levels (contracts own them): the client must not try on first registration.
      const { id } = await official.register(rawReadingSchema as Parameters<SchemaRegistry['register']>[0], { subject: subjectFor(name), updateConfig: false });
      return Promise.all(
        sent.map((reading) =>
          official.encode(id, {
            ...reading,
            readingTime: reading.readingTime.getTime(),
            receivedTime: reading.receivedTime.getTime(),
            sequenceNumber: Number(reading.sequenceNumber),
          }),
        ),
      );
    });
    const decoded = await Promise.all(received.map(async (bytes) => (await serde.decode(bytes, { topic })).value));
    expect(decoded).toEqual(sent);
  });

  it('registers a schema once per subject and finds the same id again', async () => {
    const topic = uniqueName('ids');
    const first = await new AvroSerde({ registryUrl }).writerFor(topic, rawReadingSchema);
    const second = await new AvroSerde({ registryUrl, autoRegister: false }).writerFor(topic, rawReadingSchema);
    expect(second.schemaId).toBe(first.schemaId);
    const key = await new AvroSerde({ registryUrl }).writerFor(topic, { type: 'record', name: 'AssetKey', fields: [{ name: 'assetId', type: 'string' }] }, 'key');
    expect(key.subject).toBe(`${topic}-key`);
    expect(key.schemaId).not.toBe(first.schemaId);
  });

  it("reports a schema the subject's compatibility refuses as SchemaRejected", async () => {
    const topic = uniqueName('incompatible');
    const serde = new AvroSerde({ registryUrl });
    const v1 = { type: 'record', name: 'Reading', namespace: 'fieldmesh.test', fields: [{ name: 'signal', type: 'string' }] };
    await serde.writerFor(topic, v1);
    // BACKWARD: a new required field without a default cannot be read from old records.
    const v2 = { ...v1, fields: [...v1.fields, { name: 'unit', type: 'string' }] };
    await expect(serde.writerFor(topic, v2)).rejects.toMatchObject({ name: 'SchemaRejected', subject: `${topic}-value`, status: 409 });
  });

  it('refuses to encode with a schema the subject lacks when auto-registration is off', async () => {
    const serde = new AvroSerde({ registryUrl, autoRegister: false });
    await expect(serde.writerFor(uniqueName('unregistered'), rawReadingSchema)).rejects.toMatchObject({ name: 'SchemaNotRegistered' });
  });

  it('names an unknown schema id as UnknownSchemaId (40403)', async () => {
    const serde = new AvroSerde({ registryUrl });
    const bytes = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 0x02]);
    await expect(serde.decode(bytes, { topic: 'anything' })).rejects.toMatchObject({ name: 'UnknownSchemaId', schemaId: 0x7ffffff0, topic: 'anything' });
  });
});
