import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clickhouseDataset, kafkaDataset, kafkaNamespace, lwm2mDataset, mqttDataset, onem2mDataset, opcuaDataset } from './dataset.factory';
import { schemaFacetSchema } from './openlineage.schema';

const rawSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../../../schemas/plant-telemetry/RawReading.avsc'), 'utf8')) as object;

describe('dataset names', () => {
  it('follow the OpenLineage naming of each system', () => {
    expect(kafkaDataset('127.0.0.1:9092', 'plant.telemetry.raw.v1')).toMatchObject({ namespace: 'kafka://127.0.0.1:9092', name: 'plant.telemetry.raw.v1' });
    expect(clickhouseDataset('http://127.0.0.1:8123/', 'fieldmesh', 'raw')).toMatchObject({ namespace: 'clickhouse://127.0.0.1:8123', name: 'fieldmesh.raw' });
    expect(mqttDataset('mqtts://user:secret@broker.local:8883', 'plant/line1/#')).toMatchObject({ namespace: 'mqtt://broker.local:8883', name: 'plant/line1/#' });
    expect(opcuaDataset('opc.tcp://127.0.0.1:4840/UA/Plant', 'ns=2;s=Line1.Pump1.Temperature')).toMatchObject({
      namespace: 'opcua://127.0.0.1:4840',
      name: 'ns=2;s=Line1.Pump1.Temperature',
    });
    expect(onem2mDataset('https://cse.plant.local:8443/', 'cse-in/press-7/temperature')).toMatchObject({
      namespace: 'onem2m://cse.plant.local:8443',
      name: 'cse-in/press-7/temperature',
    });
    expect(lwm2mDataset('0.0.0.0:5683', 'press-7-sensors/3303/0/5700')).toMatchObject({ namespace: 'lwm2m://0.0.0.0:5683', name: 'press-7-sensors/3303/0/5700' });
  });

  it('name one cluster the same way whatever order the brokers are listed in', () => {
    expect(kafkaNamespace(['b:9092', 'a:9092'])).toBe('kafka://a:9092');
    expect(kafkaNamespace('b:9092, a:9092')).toBe('kafka://a:9092');
    expect(() => kafkaNamespace([])).toThrow(/at least one bootstrap broker/);
  });

  it('carry the Avro schema as a schema facet with types and docs, and the owner and data source', () => {
    const dataset = kafkaDataset('127.0.0.1:9092', 'plant.telemetry.raw.v1', rawSchema, { owner: { team: 'plant-telemetry', contact: 'pt@example.com' } });
    const fields = schemaFacetSchema.parse(dataset.facets?.schema).fields;
    expect(fields).toHaveLength(17);
    expect(fields.find((f) => f.name === 'readingTime')).toMatchObject({ type: 'timestamp-millis', description: expect.stringContaining('source timestamp') });
    expect(fields.find((f) => f.name === 'value')?.type).toBe('union<null,double>');
    expect(fields.find((f) => f.name === 'quality')?.type).toBe('enum Quality');
    expect(fields.find((f) => f.name === 'attributes')?.type).toBe('map<string>');
    expect(dataset.facets?.ownership).toMatchObject({
      owners: [
        { name: 'team:plant-telemetry', type: 'OWNER' },
        { name: 'contact:pt@example.com', type: 'CONTACT' },
      ],
    });
    expect(dataset.facets?.dataSource).toMatchObject({ name: 'kafka://127.0.0.1:9092', uri: 'kafka://127.0.0.1:9092' });
  });

  it('lists the fields of nested records', () => {
    const schema = { type: 'record', name: 'A', fields: [{ name: 'where', type: ['null', { type: 'record', name: 'Loc', fields: [{ name: 'line', type: 'string' }] }] }] };
    const fields = schemaFacetSchema.parse(kafkaDataset('k:1', 't.v1', schema).facets?.schema).fields;
    expect(fields).toEqual([{ name: 'where', type: 'union<null,record Loc>', fields: [{ name: 'line', type: 'string' }] }]);
  });
});
