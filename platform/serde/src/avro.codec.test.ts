import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AvroCodec } from './avro.codec';
import { createAvroType } from './avro-type.factory';
import { DecodeError, DecodeLimitExceeded, MalformedAvroBody, RecordInvalid } from './errors';
import { decodeLimitsSchema } from './serde.config';

const limits = decodeLimitsSchema.parse({});
const context = { topic: 'plant.telemetry.raw.v1', schemaId: 7 };

function codecFor(schema: object | string, overrides: Partial<typeof limits> = {}): AvroCodec {
  return new AvroCodec(createAvroType(schema), { ...limits, ...overrides });
}

/** Avro zigzag varint of any 64-bit (or larger, for hostile input) integer. */
function varint(value: bigint): number[] {
  let zigzag = value >= 0n ? value << 1n : (-value << 1n) - 1n;
  const bytes: number[] = [];
  do {
    let byte = Number(zigzag & 0x7fn);
    zigzag >>= 7n;
    if (zigzag > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (zigzag > 0n);
  return bytes;
}

function body(...parts: Array<number | number[]>): Buffer {
  return Buffer.from(parts.flat());
}

function decodeError(codec: AvroCodec, bytes: Buffer): DecodeError {
  try {
    codec.decode(bytes, context);
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

/** Runs `action` and returns how long it took, in milliseconds. */
function timed(action: () => void): number {
  const start = performance.now();
  action();
  return performance.now() - start;
}

const rawReadingSchema = readFileSync(new URL('../../../schemas/plant-telemetry/RawReading.avsc', import.meta.url), 'utf8');

const reading = {
  readingTime: new Date('2026-11-21T08:00:00.123Z'),
  receivedTime: new Date('2026-11-21T08:00:00.456Z'),
  gatewayId: 'gw-01',
  sequenceNumber: 9_007_199_254_740_993n, // 2^53 + 1: a float would round it
  deviceId: 'plc-7',
  assetPath: 'acme/lyon/press-shop/line-2/press-4',
  signal: 'bearing_temperature',
  value: 71.25,
  valueText: null,
  unit: 'Cel',
  quality: 'GOOD',
  qualityCode: 0n,
  sourceProtocol: 'OPC_UA',
  sourceAddress: 'ns=2;s=Press4.Bearing.Temp',
  isHistorical: false,
  operatorBadge: null,
  attributes: { dataType: 'Double' },
};

describe('AvroCodec round trip', () => {
  it('round-trips a raw telemetry reading with its 64-bit sequence number and timestamps intact', () => {
    const codec = codecFor(rawReadingSchema);
    const decoded = codec.decode(codec.encode(reading, context), context);
    expect(decoded).toEqual(reading);
  });

  it('lists the path of every field that does not match the schema on encode', () => {
    const codec = codecFor(rawReadingSchema);
    const bad = { ...reading, gatewayId: 42, attributes: { dataType: 7 }, sequenceNumber: 2 ** 60 };
    let error: unknown;
    try {
      codec.encode(bad, context);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RecordInvalid);
    expect((error as RecordInvalid).paths.sort()).toEqual(['attributes.dataType', 'gatewayId', 'sequenceNumber']);
    expect(error).toMatchObject({ name: 'RecordInvalid', topic: context.topic, schemaId: 7 });
  });

  it('names the missing required field on encode', () => {
    const codec = codecFor(rawReadingSchema);
    const { unit: _unit, ...withoutUnit } = reading;
    expect(() => codec.encode(withoutUnit, context)).toThrow(expect.objectContaining({ paths: ['unit'] }));
  });
});

describe('AvroCodec on malformed bytes', () => {
  const recordSchema = {
    type: 'record',
    name: 'Sample',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
      { name: 'flag', type: 'boolean' },
      { name: 'maybe', type: ['null', 'int'] },
      { name: 'count', type: 'long' },
    ],
  };
  const codec = codecFor(recordSchema);
  const valid = codec.encode({ id: 'abc', kind: 'B', flag: true, maybe: 5, count: 3n }, context);

  it('rejects every truncation of a valid record', () => {
    for (let length = 0; length < valid.length; length++) {
      const error = decodeError(codec, valid.subarray(0, length));
      expect(error, `prefix of ${length} bytes`).toBeInstanceOf(MalformedAvroBody);
      expect(error.reason).toMatch(/truncated/);
    }
  });

  it('rejects trailing bytes after a complete record', () => {
    const error = decodeError(codec, Buffer.concat([valid, Buffer.from([0])]));
    expect(error).toMatchObject({ name: 'MalformedAvroBody', reason: '1 trailing bytes after the record', topic: context.topic, schemaId: 7 });
  });

  it('rejects an enum index outside the symbols instead of decoding undefined', () => {
    const error = decodeError(codec, body(varint(3n), 0x61, 0x62, 0x63, varint(2n), 1, varint(0n), varint(0n)));
    expect(error.reason).toBe('enum index 2 out of range 0..1');
  });

  it('rejects a union index outside the branches', () => {
    const error = decodeError(codec, body(varint(0n), varint(0n), 1, varint(5n), varint(0n)));
    expect(error.reason).toBe('union index 5 out of range 0..1');
  });

  it('rejects a boolean byte other than 0 or 1', () => {
    expect(decodeError(codec, body(varint(0n), varint(0n), 2, varint(0n), varint(0n))).reason).toMatch(/boolean byte 2/);
  });

  it('rejects a string that is not UTF-8', () => {
    expect(decodeError(codec, body(varint(2n), 0xc3, 0x28, varint(0n), 0, varint(0n), varint(0n))).reason).toBe('string is not valid UTF-8');
  });

  it('rejects a varint longer than 10 bytes', () => {
    const error = decodeError(codec, body(varint(0n), varint(0n), 0, varint(0n), Array(11).fill(0xff), 0));
    expect(error.reason).toBe('varint longer than 10 bytes');
  });

  it('decodes the next valid record normally after poison records', () => {
    for (const poison of [valid.subarray(0, 3), body(0xff, 0xff), Buffer.concat([valid, valid])]) decodeError(codec, poison);
    expect(codec.decode(valid, context)).toEqual({ id: 'abc', kind: 'B', flag: true, maybe: 5, count: 3n });
  });

  it('fails every random buffer with a DecodeError or decodes it, and never hangs', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const elapsed = timed(() => {
      for (let i = 0; i < 5_000; i++) {
        const garbage = Buffer.from(Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)));
        try {
          codec.decode(garbage, context);
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
        }
      }
    });
    expect(elapsed).toBeLessThan(5_000);
  });
});

describe('AvroCodec bounds on hostile input', () => {
  it('fails fast on an array of nulls declaring 2^50 items', () => {
    const codec = codecFor({ type: 'array', items: 'null' });
    let error: DecodeError | undefined;
    const elapsed = timed(() => (error = decodeError(codec, body(varint(2n ** 50n), varint(0n)))));
    expect(error).toBeInstanceOf(DecodeLimitExceeded);
    expect(error).toMatchObject({ limit: 'maxCollectionItems', value: 1_000_000, name: 'DecodeLimitExceeded' });
    expect(elapsed).toBeLessThan(1_000);
  });

  it('decodes an array of nulls within the item limit', () => {
    const codec = codecFor({ type: 'array', items: 'null' }, { maxCollectionItems: 1_000 });
    expect(codec.decode(body(varint(1_000n), varint(0n)), context)).toHaveLength(1_000);
    expect(decodeError(codec, body(varint(600n), varint(401n), varint(0n)))).toBeInstanceOf(DecodeLimitExceeded);
  });

  it('counts items of nested collections against one budget per record', () => {
    const codec = codecFor({ type: 'array', items: { type: 'array', items: 'null' } }, { maxCollectionItems: 1_000 });
    // 3 outer items of 400 nulls each: 1,203 items in all.
    const inner = [varint(400n), varint(0n)].flat();
    expect(decodeError(codec, body(varint(3n), inner, inner, inner, varint(0n)))).toBeInstanceOf(DecodeLimitExceeded);
  });

  it('rejects an array count larger than the bytes left before reading any item', () => {
    const codec = codecFor({ type: 'array', items: 'int' });
    let error: DecodeError | undefined;
    const elapsed = timed(() => (error = decodeError(codec, body(varint(900_000n), 2, 4, 6, varint(0n)))));
    expect(error).toBeInstanceOf(MalformedAvroBody);
    expect(error!.reason).toBe('truncated: array block declares 900000 items, 4 bytes remain');
    expect(elapsed).toBeLessThan(1_000);
  });

  it('checks negative block counts and their byte size', () => {
    const codec = codecFor({ type: 'array', items: 'int' });
    expect(codec.decode(body(varint(-2n), varint(2n), varint(1n), varint(2n), varint(0n)), context)).toEqual([1, 2]);
    expect(decodeError(codec, body(varint(-2n), varint(1_000n), varint(1n), varint(2n), varint(0n))).reason).toMatch(/block size 1000 out of bounds/);
  });

  it('rejects a map count larger than the bytes left', () => {
    const codec = codecFor({ type: 'map', values: 'string' });
    expect(decodeError(codec, body(varint(2n ** 40n), varint(0n))).reason).toMatch(/truncated: map block declares/);
  });

  it('rejects a string or bytes length beyond the buffer before allocating it', () => {
    for (const schema of ['"string"', '"bytes"']) {
      const codec = codecFor(schema);
      const error = decodeError(codec, body(varint(2n ** 40n), 0x61));
      expect(error.reason).toMatch(/truncated: (string|bytes) needs 1099511627776 bytes, 1 remain/);
    }
  });

  it('decodes bytes and decimal fields followed by other fields (the validator skips the length prefix too)', () => {
    const codec = codecFor({
      type: 'record',
      name: 'Energy',
      fields: [
        { name: 'raw', type: 'bytes' },
        { name: 'energy', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 3 } },
        { name: 'site', type: 'string' },
      ],
    });
    const value = { raw: Buffer.from([1, 2, 3]), energy: '-12.500', site: 'berlin' };
    expect(codec.decode(codec.encode(value, context), context)).toEqual(value);
  });

  it('rejects a negative length', () => {
    expect(decodeError(codecFor('"string"'), body(varint(-3n), 0x61, 0x62, 0x63)).reason).toBe('negative string length -3');
  });

  it('stops at the nesting limit on a deep recursive record', () => {
    const list = { type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] };
    const codec = codecFor(list, { maxDepth: 64 });
    const nested = (depth: number) =>
      body(
        Array(depth - 1)
          .fill(varint(1n))
          .flat(),
        varint(0n),
      );
    expect(codec.decode(nested(64), context)).toBeDefined();
    expect(decodeError(codec, nested(65))).toMatchObject({ name: 'DecodeLimitExceeded', limit: 'maxDepth' });
  });
});
