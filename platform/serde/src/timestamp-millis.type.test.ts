import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { createAvroType } from './avro-type.factory';

const timestampType = createAvroType({ type: 'long', logicalType: 'timestamp-millis' });

describe('timestamp-millis as Date', () => {
  it('decodes to a Date with millisecond precision', () => {
    const when = new Date('2026-11-21T08:00:00.123Z');
    expect(timestampType.fromBuffer(timestampType.toBuffer(when))).toEqual(when);
  });

  it('encodes epoch milliseconds as a plain long, readable by clients without logical types', () => {
    const plainLong = avro.Type.forSchema('long');
    const millis = Date.UTC(2026, 10, 21, 8);
    expect(timestampType.toBuffer(new Date(millis))).toEqual(plainLong.toBuffer(millis));
    expect(timestampType.fromBuffer(plainLong.toBuffer(millis))).toEqual(new Date(millis));
  });

  it('accepts epoch milliseconds as a number on encode', () => {
    expect(timestampType.fromBuffer(timestampType.toBuffer(1_700_000_000_000))).toEqual(new Date(1_700_000_000_000));
  });

  it('refuses an invalid Date, a fractional number and a string', () => {
    for (const bad of [new Date(Number.NaN), 1.5, '2026-11-21']) expect(timestampType.isValid(bad)).toBe(false);
  });

  it('refuses to decode a long outside the range of a Date', () => {
    const plainLong = avro.Type.forSchema('long');
    expect(() => timestampType.fromBuffer(plainLong.toBuffer(9e15))).toThrow(/outside the range of a Date/);
  });
});
