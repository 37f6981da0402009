import type { ConsumedRecord } from '@fieldmesh/kafka';
import { ConfigInvalid } from '@fieldmesh/config';
import { describe, expect, it } from 'vitest';
import { AvroCodec } from './avro.codec';
import { AvroSerde } from './avro.serde';
import { createAvroType } from './avro-type.factory';
import { decodeBatch } from './decode.router';
import { SchemaRegistryUnavailable, UnknownMagicByte } from './errors';
import { decodeLimitsSchema } from './serde.config';
import { frame, unframe } from './wire-format';

const SCHEMA_ID = 3;
const codec = new AvroCodec(
  createAvroType({
    type: 'record',
    name: 'Reading',
    fields: [
      { name: 'signal', type: 'string' },
      { name: 'sequence', type: 'long' },
    ],
  }),
  decodeLimitsSchema.parse({}),
);

/** Decodes frames of one known schema with the real framing and codec: the registry plays no part here. */
const oneSchemaDecoder = {
  async decode<T>(bytes: Buffer, context: { topic?: string } = {}) {
    const { schemaId, body } = unframe(bytes, 1024, context);
    return { schemaId, value: codec.decode(body, { ...context, schemaId }) as T };
  },
};

function record(offset: number, value: Buffer | null): ConsumedRecord {
  return { topic: 'plant.telemetry.raw.v1', partition: 0, offset: String(offset), key: Buffer.from('press-4'), value, headers: {}, timestamp: 0 };
}

const good = (sequence: bigint) => frame(SCHEMA_ID, codec.encode({ signal: 'temp', sequence }, {}));

describe('decodeBatch', () => {
  it('separates poison records from good ones, keeping the batch order in both', async () => {
    const records = [record(0, good(1n)), record(1, Buffer.from('not avro')), record(2, frame(SCHEMA_ID, Buffer.from([0x02]))), record(3, null), record(4, good(2n))];
    const { decoded, failures } = await decodeBatch(oneSchemaDecoder, records);
    expect(decoded.map((entry) => [entry.record.offset, entry.schemaId, entry.value])).toEqual([
      ['0', SCHEMA_ID, { signal: 'temp', sequence: 1n }],
      ['3', null, null],
      ['4', SCHEMA_ID, { signal: 'temp', sequence: 2n }],
    ]);
    expect(failures.map((failure) => [failure.record.offset, failure.error.name])).toEqual([
      ['1', 'UnknownMagicByte'],
      ['2', 'MalformedAvroBody'],
    ]);
    expect(failures[0]!.error).toBeInstanceOf(UnknownMagicByte);
    expect(failures[0]!.error.topic).toBe('plant.telemetry.raw.v1');
  });

  it('rejects the whole batch when the registry cannot be reached, so it is retried rather than dead-lettered', async () => {
    // Port 1 on loopback refuses connections: a registry that is down.
    const serde = new AvroSerde({ registryUrl: 'http://127.0.0.1:1' });
    const batch = [record(0, Buffer.from('garbage')), record(1, frame(SCHEMA_ID, Buffer.from([0x02])))];
    const rejection = await decodeBatch(serde, batch).catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(SchemaRegistryUnavailable);
    expect(rejection).toMatchObject({ name: 'SchemaRegistryUnavailable', schemaId: SCHEMA_ID, topic: 'plant.telemetry.raw.v1' });
  });
});

describe('AvroSerde options', () => {
  it('names each invalid option', () => {
    expect(() => new AvroSerde({ registryUrl: 'not a url', limits: { maxDepth: 0 } })).toThrow(ConfigInvalid);
    expect(() => new AvroSerde({ registryUrl: 'not a url', limits: { maxDepth: 0 } })).toThrow(/registryUrl[\s\S]*limits\.maxDepth/);
  });

  it('defaults the decode limits', () => {
    expect(new AvroSerde({ registryUrl: 'http://127.0.0.1:8081' }).config.limits).toEqual({
      maxPayloadBytes: 8 * 1024 * 1024,
      maxCollectionItems: 1_000_000,
      maxDepth: 64,
    });
  });
});
