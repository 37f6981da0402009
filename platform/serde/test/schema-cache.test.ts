import { describe, expect, inject, it } from 'vitest';
import { AvroSerde } from '../src/index';
import { countingProxy, rawReading, rawReadingSchema, uniqueName } from './support';

describe('schema caching', () => {
  it("asks the registry once per subject, once per schema id and once for the id's subject versions, never per record", async () => {
    const proxy = await countingProxy(inject('registryUrl'));
    try {
      const topic = uniqueName('cache');
      const producer = new AvroSerde({ registryUrl: proxy.url });
      const writer = await producer.writerFor(topic, rawReadingSchema);
      await producer.writerFor(topic, rawReadingSchema);
      const records = Array.from({ length: 500 }, (_, i) => producer.encode(writer, rawReading(BigInt(i))));
      for (const bytes of records) await producer.decode(bytes, { topic });
      // Lookup (not found yet), the client's check of the subject's level, registration, then which
      // subjects hold the id (asked once, on the first decode); nothing more: the second writerFor and
      // the producer's own records are answered from the cache.
      expect(proxy.requests).toEqual([
        `POST /subjects/${topic}-value`,
        `GET /config/${topic}-value`,
        `POST /subjects/${topic}-value/versions`,
        `GET /schemas/ids/${writer.schemaId}/versions`,
      ]);

      proxy.requests.length = 0;
      const consumer = new AvroSerde({ registryUrl: proxy.url });
      await Promise.all(records.map((bytes) => consumer.decode(bytes, { topic })));
      expect(proxy.requests).toEqual([`GET /schemas/ids/${writer.schemaId}/versions`, `GET /schemas/ids/${writer.schemaId}`]);
    } finally {
      await proxy.close();
    }
  });

  it('remembers an unknown id for a while, so a flood of bad records costs one request', async () => {
    const proxy = await countingProxy(inject('registryUrl'));
    try {
      const serde = new AvroSerde({ registryUrl: proxy.url });
      const unknown = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf2, 0x00]);
      for (let i = 0; i < 100; i++) await expect(serde.decode(unknown, { topic: uniqueName('flood') })).rejects.toMatchObject({ name: 'UnknownSchemaId' });
      expect(proxy.requests).toEqual([`GET /schemas/ids/${0x7ffffff2}/versions`]);
    } finally {
      await proxy.close();
    }
  });
});
