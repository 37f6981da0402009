import type { ConsumedRecord } from '@fieldmesh/kafka';
import fc from 'fast-check';
import { AvroCodec } from './avro.codec';
import { createAvroType } from './avro-type.factory';
import { decodeBatch } from './decode.router';
import { DecodeError, UnknownSchemaId } from './errors';
import { decodeLimitsSchema } from './serde.config';
import { frame, unframe } from './wire-format';

const SCHEMA_ID = 7;
const MAX_PAYLOAD_BYTES = 64 * 1024;
/** Every kind of Avro type a Fieldmesh schema uses, so that hostile bytes meet each decoder path. */
const codec = new AvroCodec(
  createAvroType({
    type: 'record',
    name: 'FuzzReading',
    namespace: 'fieldmesh.fuzz',
    fields: [
      { name: 'readingTime', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'sequenceNumber', type: 'long' },
      { name: 'signal', type: 'string' },
      { name: 'value', type: ['null', 'double'], default: null },
      { name: 'valueText', type: ['null', 'string'], default: null },
      { name: 'quality', type: { type: 'enum', name: 'Quality', symbols: ['GOOD', 'UNCERTAIN', 'BAD'] } },
      { name: 'isHistorical', type: 'boolean' },
      { name: 'attributes', type: { type: 'map', values: 'string' } },
      {
        name: 'window',
        type: {
          type: 'array',
          items: {
            type: 'record',
            name: 'Point',
            fields: [
              { name: 'offset', type: 'int' },
              { name: 'value', type: 'double' },
            ],
          },
        },
      },
      { name: 'energy', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 3 } },
      { name: 'checksum', type: { type: 'fixed', name: 'Checksum', size: 4 } },
    ],
  }),
  decodeLimitsSchema.parse({ maxCollectionItems: 10_000 }),
);

/** The real framing and codec for one known schema id; the registry plays no part in what bytes decode to. */
const oneSchemaSerde = {
  async decode<T>(bytes: Buffer, context: { topic?: string } = {}) {
    const { schemaId, body } = unframe(bytes, MAX_PAYLOAD_BYTES, context);
    if (schemaId !== SCHEMA_ID) throw new UnknownSchemaId('http://registry.invalid', { ...context, schemaId });
    return { schemaId, value: codec.decode(body, { ...context, schemaId }) as T };
  },
};

const reading = fc.record({
  readingTime: fc.integer({ min: -8.64e15, max: 8.64e15 }),
  sequenceNumber: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  signal: fc.string({ maxLength: 30 }),
  value: fc.option(fc.double()),
  valueText: fc.option(fc.string({ maxLength: 20 })),
  quality: fc.constantFrom('GOOD', 'UNCERTAIN', 'BAD'),
  isHistorical: fc.boolean(),
  // avsc reads a map into a plain object, where a "__proto__" key is dropped: a known limit, not fuzzed here.
  attributes: fc.dictionary(
    fc.string({ maxLength: 10 }).filter((key) => key !== '__proto__'),
    fc.string({ maxLength: 10 }),
    { maxKeys: 4 },
  ),
  window: fc.array(fc.record({ offset: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), value: fc.double() }), { maxLength: 5 }),
  energy: fc.integer({ min: -1e9, max: 1e9 }).map((milli) => (milli / 1000).toFixed(3)),
  checksum: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((bytes) => Buffer.from(bytes)),
});
const valid = reading.map((value) => frame(SCHEMA_ID, codec.encode(value, {})));
/** A valid record with bytes flipped, cut, repeated, or a huge varint where a length or count stands. */
const mangled = fc.tuple(valid, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'repeat', 'varint')).map(([bytes, at, byte, how]) => {
  const i = at % bytes.length;
  if (how === 'cut') return bytes.subarray(0, i);
  if (how === 'repeat') return Buffer.concat([bytes, bytes.subarray(i)]);
  if (how === 'varint') return Buffer.concat([bytes.subarray(0, i), Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), bytes.subarray(i)]);
  const copy = Buffer.from(bytes);
  copy[i] = byte;
  return copy;
});
type Entry = { kind: 'valid'; bytes: Buffer } | { kind: 'hostile'; bytes: Buffer | null };
const entry: fc.Arbitrary<Entry> = fc.oneof(
  { weight: 3, arbitrary: valid.map((bytes) => ({ kind: 'valid' as const, bytes })) },
  { weight: 4, arbitrary: mangled.map((bytes) => ({ kind: 'hostile' as const, bytes })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'hostile' as const, bytes: Buffer.from(bytes) })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'hostile' as const, bytes: Buffer.concat([Buffer.from([0, 0, 0, 0, SCHEMA_ID]), bytes]) })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'hostile' as const, bytes: null }) },
);

/**
 * A consumed batch of valid, corrupted and foreign records: decodeBatch never rejects (no registry is
 * involved), every record is either decoded or a DecodeError, and every valid record decodes to exactly
 * what was written whatever came before it.
 */
export const avroDecodeFuzz = {
  name: 'avro-confluent',
  arbitrary: fc.array(entry, { minLength: 1, maxLength: 8 }),
  async check(entries: Entry[]): Promise<void> {
    const records: ConsumedRecord[] = entries.map(({ bytes }, offset) => ({
      topic: 'fuzz.readings.v1',
      partition: 0,
      offset: String(offset),
      key: null,
      value: bytes,
      headers: {},
      timestamp: 0,
    }));
    const { decoded, failures } = await decodeBatch(oneSchemaSerde, records);
    if (decoded.length + failures.length !== records.length) throw new Error(`${records.length} records gave ${decoded.length} decoded and ${failures.length} failures`);
    const failure = failures.find(({ error }) => !(error instanceof DecodeError));
    if (failure) throw new Error(`record ${failure.record.offset} failed with ${String(failure.error)}, not a DecodeError`);
    entries.forEach((written, offset) => {
      if (written.kind !== 'valid') return;
      const read = decoded.find(({ record }) => record.offset === String(offset));
      if (!read || !frame(SCHEMA_ID, codec.encode(read.value, {})).equals(written.bytes)) throw new Error(`valid record ${offset} was not decoded to what was written`);
    });
  },
};
