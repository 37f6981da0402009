import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { createAvroType } from './avro-type.factory';

const longType = createAvroType('"long"');

describe('long as bigint', () => {
  it.each([0n, 1n, -1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)])('round-trips %s exactly', (value) => {
    expect(longType.fromBuffer(longType.toBuffer(value))).toBe(value);
  });

  it('writes the same bytes as a plain Avro long, so other clients read the value', () => {
    const plainLong = avro.Type.forSchema('long');
    expect(longType.toBuffer(123_456_789_012n)).toEqual(plainLong.toBuffer(123_456_789_012));
    expect(longType.fromBuffer(plainLong.toBuffer(-42))).toBe(-42n);
  });

  it('accepts safe-integer numbers on encode and refuses numbers that already lost precision', () => {
    expect(longType.fromBuffer(longType.toBuffer(42))).toBe(42n);
    expect(longType.isValid(2 ** 60)).toBe(false);
    expect(longType.isValid(1.5)).toBe(false);
    expect(longType.isValid(2n ** 63n)).toBe(false);
  });

  it('applies to longs nested in unions, arrays and maps, and to defaults', () => {
    const type = createAvroType({
      type: 'record',
      name: 'Counters',
      fields: [
        { name: 'maybe', type: ['null', 'long'], default: null },
        { name: 'list', type: { type: 'array', items: 'long' } },
        { name: 'byName', type: { type: 'map', values: 'long' } },
        { name: 'start', type: 'long', default: 7 },
      ],
    });
    const value = { maybe: 2n ** 62n, list: [2n ** 60n], byName: { a: -(2n ** 61n) } };
    expect(type.fromBuffer(type.toBuffer(value))).toEqual({ ...value, start: 7n });
  });
});
