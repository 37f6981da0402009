import { describe, expect, it } from 'vitest';
import type { WarehouseColumn } from './column.mapping';
import { RowEncodeFailed } from './errors';
import { RowBinaryEncoder } from './row-binary.encoder';

const column = (name: string, type: string, encoding: WarehouseColumn['encoding']): WarehouseColumn => ({ name, type, encoding, source: { from: 'field', field: name } });
const kafka = { topic: 't', partition: 0, offset: '0' };

describe('RowBinary encoding', () => {
  it('writes values in ClickHouse RowBinary layout', () => {
    const encoder = new RowBinaryEncoder([
      column('s', 'String', { kind: 'string' }),
      column('n', 'Nullable(Float64)', { kind: 'nullable', inner: { kind: 'float64' } }),
      column('l', 'Int64', { kind: 'int64' }),
      column('t', 'DateTime64(3)', { kind: 'datetime64ms' }),
      column('e', "Enum8('A' = 1, 'B' = 2)", { kind: 'enum8', symbols: ['A', 'B'] }),
      column('m', 'Map(String, String)', { kind: 'map', value: { kind: 'string' } }),
    ]);
    encoder.append({ s: 'hé', n: null, l: -2n, t: new Date(1000), e: 'B', m: { k: 'v' } }, kafka);
    const expected = Buffer.concat([
      Buffer.from([3]),
      Buffer.from('hé'),
      Buffer.from([1]),
      Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0xe8, 0x03, 0, 0, 0, 0, 0, 0]),
      Buffer.from([2]),
      Buffer.from([1, 1]),
      Buffer.from('k'),
      Buffer.from([1]),
      Buffer.from('v'),
    ]);
    expect(encoder.rows).toBe(1);
    expect(encoder.take()).toEqual(expected);
  });

  it('leaves out a record that does not fit and keeps the rows before it', () => {
    const encoder = new RowBinaryEncoder([column('a', 'Int32', { kind: 'int32' }), column('e', "Enum8('A' = 1)", { kind: 'enum8', symbols: ['A'] })]);
    encoder.append({ a: 1, e: 'A' }, kafka);
    expect(() => encoder.append({ a: 2, e: 'Z' }, kafka)).toThrow(RowEncodeFailed);
    expect(encoder.rows).toBe(1);
    expect(encoder.take()).toEqual(Buffer.from([1, 0, 0, 0, 1]));
  });
});

describe('RowBinary 64-bit integers', () => {
  it("writes safe integers, bigints and decimal strings alike, negatives in two's complement", () => {
    const encoder = new RowBinaryEncoder([column('l', 'Int64', { kind: 'int64' })]);
    const values = [0, 1, -1, 2 ** 40 + 5, -(2 ** 40) - 5, 9_223_372_036_854_775_807n, '-9223372036854775808', '123'];
    for (const l of values) encoder.append({ l }, kafka);
    const bytes = encoder.take();
    const read = values.map((_, i) => bytes.readBigInt64LE(i * 8));
    expect(read).toEqual([0n, 1n, -1n, 2n ** 40n + 5n, -(2n ** 40n) - 5n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 123n]);
  });
});
