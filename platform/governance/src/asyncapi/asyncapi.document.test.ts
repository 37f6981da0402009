import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAllContracts, type LoadedContract } from '../contract.loader';
import { durationToMs } from '../iso-duration';
import { asyncApiFor, AVRO_SCHEMA_FORMAT, type AsyncApiDocument } from './asyncapi.document';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const options = { kafkaBrokers: '127.0.0.1:9092', registryUrl: 'http://127.0.0.1:8081' };

// The official AsyncAPI 3.0.0 JSON Schema (bindings included), from @asyncapi/specs.
const asyncApiSchema = createRequire(import.meta.url)('@asyncapi/specs/schemas/3.0.0-without-$id.json') as object;

let contracts: LoadedContract[];
let document: AsyncApiDocument;
// Formats (uri, email) are not checked: the spec's schema uses them for fields we fill from contracts only.
const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(asyncApiSchema);

beforeAll(async () => {
  contracts = await loadAllContracts(root);
  document = asyncApiFor(contracts, options);
});

describe('asyncApiFor', () => {
  it('is a valid AsyncAPI 3.0.0 document by the official schema', () => {
    const valid = validate(JSON.parse(JSON.stringify(document)));
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check catches a broken document', () => {
    const broken = JSON.parse(JSON.stringify(document)) as Record<string, Record<string, Record<string, unknown>>>;
    const first = Object.keys(broken.channels!)[0]!;
    (broken.channels![first]!.bindings as Record<string, Record<string, unknown>>).kafka!.partitions = 0;
    expect(validate(broken)).toBe(false);
  });

  it('has one channel per product topic with its Avro schema, owner and Kafka binding', () => {
    const channels = Object.values(document.channels);
    expect(channels.map((channel) => channel.address).sort()).toEqual(contracts.map(({ contract }) => contract.kafka.topic).sort());
    for (const { contract, avroSchema } of contracts) {
      const [id, channel] = Object.entries(document.channels).find(([, c]) => c.address === contract.kafka.topic)!;
      expect(channel['x-owner']).toEqual(contract.owner);
      expect(channel.tags).toContainEqual({ name: `owner:${contract.owner.team}`, description: contract.owner.contact });
      expect(channel.bindings.kafka).toMatchObject({
        topic: contract.kafka.topic,
        partitions: contract.kafka.partitions,
        replicas: contract.kafka.replicationFactor,
        topicConfiguration: { 'retention.ms': durationToMs(contract.retention.kafka), 'cleanup.policy': ['delete'] },
      });
      expect(channel['x-contract'].retention.warehouse).toBe(contract.retention.warehouse);
      const message = document.components.messages[id]!;
      expect(channel.messages[id]).toEqual({ $ref: `#/components/messages/${id}` });
      expect(message.payload).toEqual({ schemaFormat: AVRO_SCHEMA_FORMAT, schema: avroSchema });
      expect(message.bindings.kafka.key.description).toContain(contract.kafka.key);
      expect(message.bindings.kafka).toMatchObject({ schemaIdLocation: 'payload', schemaIdPayloadEncoding: '4', schemaLookupStrategy: 'TopicNameStrategy' });
    }
  });

  it('lets each channel be published by one operation that references it', () => {
    const operations = Object.values(document.operations);
    expect(operations).toHaveLength(contracts.length);
    for (const operation of operations) {
      const id = operation.channel.$ref.replace('#/channels/', '');
      expect(document.channels[id]).toBeDefined();
      expect(operation.messages).toEqual([{ $ref: `#/channels/${id}/messages/${id}` }]);
    }
  });

  it('points at the registry and the brokers, and notes the Confluent wire format', () => {
    expect(document.servers.kafka).toMatchObject({
      host: '127.0.0.1:9092',
      protocol: 'kafka',
      bindings: { kafka: { schemaRegistryUrl: options.registryUrl, schemaRegistryVendor: 'confluent' } },
    });
    expect(document.info.description).toContain('magic byte 0, the 4-byte big-endian schema id');
    const twoBrokers = asyncApiFor(contracts, { ...options, kafkaBrokers: 'a:9092, b:9092' });
    expect(Object.values(twoBrokers.servers).map((server) => server.host)).toEqual(['a:9092', 'b:9092']);
  });

  it('is the same document for the same contracts, in any order, and changes with a contract version', () => {
    expect(asyncApiFor([...contracts].reverse(), options)).toEqual(document);
    const bumped = contracts.map((loaded, index) => (index === 0 ? { ...loaded, contract: { ...loaded.contract, version: '9.9.9' } } : loaded));
    expect(asyncApiFor(bumped, options).info.version).not.toBe(document.info.version);
  });
});
