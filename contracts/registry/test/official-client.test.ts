import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningRegistry } from '../src/index';
import { deleteTopics, startRegistry, uniqueSubject, uniqueTopic } from './registry.harness';

const brokers = inject('kafkaBrokers');
const topic = uniqueTopic();
let registry: RunningRegistry;

beforeAll(async () => {
  registry = await startRegistry(brokers, topic);
});

afterAll(async () => {
  await registry?.close();
  await deleteTopics(brokers, [topic]);
});

const telemetry = {
  type: 'record',
  name: 'Reading',
  namespace: 'fieldmesh.test',
  fields: [
    { name: 'deviceId', type: 'string' },
    { name: 'time', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'value', type: 'double' },
    { name: 'unit', type: ['null', 'string'], default: null },
  ],
};

describe('the official @kafkajs/confluent-schema-registry client', () => {
  it('registers, encodes in the Confluent wire format and decodes through this registry', async () => {
    const client = new SchemaRegistry({ host: registry.url });
    const subject = uniqueSubject('client');
    const { id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(telemetry) }, { subject });
    expect(await client.getLatestSchemaId(subject)).toBe(id);
    expect(await client.getRegistryId(subject, 1)).toBe(id);

    const record = { deviceId: 'press-7', time: 1_763_700_000_000, value: 21.5, unit: 'C' };
    const encoded = await client.encode(id, record);
    expect(encoded.readUInt8(0)).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);

    // A fresh client knows nothing cached: it must fetch the writer schema by id from the registry.
    const decoded = await new SchemaRegistry({ host: registry.url }).decode(encoded);
    expect(decoded).toEqual(record);
  });

  it('gets the same id again when registering an unchanged schema, and a new one for a compatible change', async () => {
    const client = new SchemaRegistry({ host: registry.url });
    const subject = uniqueSubject('client-evolve');
    const first = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(telemetry) }, { subject });
    const again = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(telemetry) }, { subject });
    expect(again.id).toBe(first.id);
    const evolved = { ...telemetry, fields: [...telemetry.fields, { name: 'quality', type: 'string', default: 'GOOD' }] };
    const second = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(evolved) }, { subject });
    expect(second.id).not.toBe(first.id);
    expect(await client.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(telemetry) })).toBe(first.id);
  });

  it('surfaces an incompatible registration as the registry error the client reports', async () => {
    const client = new SchemaRegistry({ host: registry.url });
    const subject = uniqueSubject('client-break');
    await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(telemetry) }, { subject });
    const breaking = { ...telemetry, fields: [...telemetry.fields, { name: 'site', type: 'string' }] };
    await expect(client.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject })).rejects.toThrow(/incompatible/);
  });
});

describe('the official client with schema references', () => {
  it('encodes and decodes a record whose schema references a type registered under another subject', async () => {
    const client = new SchemaRegistry({ host: registry.url });
    const locationSubject = uniqueSubject('client-location');
    const location = { type: 'record', name: 'Location', namespace: 'fieldmesh.test', fields: [{ name: 'site', type: 'string' }] };
    await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(location) }, { subject: locationSubject });
    const located = {
      type: 'record',
      name: 'LocatedReading',
      namespace: 'fieldmesh.test',
      fields: [
        { name: 'value', type: 'double' },
        { name: 'location', type: 'fieldmesh.test.Location' },
      ],
    };
    const { id } = await client.register(
      {
        type: SchemaType.AVRO,
        schema: JSON.stringify(located),
        references: [{ name: 'fieldmesh.test.Location', subject: locationSubject, version: 1 }],
      },
      { subject: uniqueSubject('client-located') },
    );
    const record = { value: 3.5, location: { site: 'plant-1' } };
    const encoded = await client.encode(id, record);
    expect(await new SchemaRegistry({ host: registry.url }).decode(encoded)).toEqual(record);
  });
});
