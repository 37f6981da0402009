import { describe, expect, it } from 'vitest';
import { AvroCodec } from './avro.codec';
import { createAvroType } from './avro-type.factory';
import { MalformedAvroBody } from './errors';
import { decodeLimitsSchema } from './serde.config';

const bytesDecimal = createAvroType({ type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 });
const fixedDecimal = createAvroType({ type: 'fixed', name: 'Money', size: 4, logicalType: 'decimal', precision: 9, scale: 2 });

describe('decimal as string', () => {
  it.each([
    ['12.50', '12.50', [0x04, 0xe2]],
    ['-0.05', '-0.05', [0xfb]],
    ['0', '0.00', [0x00]],
    ['1.5', '1.50', [0x00, 0x96]],
    ['-1.28', '-1.28', [0x80]],
    ['1.280', '1.28', [0x00, 0x80]],
  ])("encodes %s as the minimal two's-complement unscaled integer and decodes %s", (text, decoded, unscaled) => {
    const encoded = bytesDecimal.toBuffer(text);
    // A bytes value is its varint length then the bytes.
    expect([...encoded.subarray(1)]).toEqual(unscaled);
    expect(bytesDecimal.fromBuffer(encoded)).toBe(decoded);
  });

  it('sign-extends a fixed decimal to its size', () => {
    expect([...fixedDecimal.toBuffer('-0.05')]).toEqual([0xff, 0xff, 0xff, 0xfb]);
    expect(fixedDecimal.fromBuffer(fixedDecimal.toBuffer('9999999.99'))).toBe('9999999.99');
  });

  it('keeps every digit of a 38-digit decimal', () => {
    const wide = createAvroType({ type: 'bytes', logicalType: 'decimal', precision: 38, scale: 10 });
    const value = '-1234567890123456789012345678.0123456789';
    expect(wide.fromBuffer(wide.toBuffer(value))).toBe(value);
  });

  it('refuses values that would need rounding or exceed the precision, and numbers', () => {
    for (const bad of ['1.234', '10000000.00', '12,5', '', 12.5]) expect(bytesDecimal.isValid(bad), String(bad)).toBe(false);
  });

  it('falls back to plain bytes when precision or scale is invalid, as the Avro spec says', () => {
    const invalid = createAvroType({ type: 'bytes', logicalType: 'decimal', precision: 2, scale: 3 });
    expect(invalid.fromBuffer(invalid.toBuffer(Buffer.from([1])))).toEqual(Buffer.from([1]));
  });

  it('rejects a decimal body longer than its precision allows, without parsing megabytes of digits', () => {
    const codec = new AvroCodec(bytesDecimal, decodeLimitsSchema.parse({}));
    // Zigzag varint 0x80 0x80 0x02 is a length of 16,384 bytes, all present.
    const huge = Buffer.concat([Buffer.from([0x80, 0x80, 0x02]), Buffer.alloc(16_384, 0x7f)]);
    expect(() => codec.decode(huge, {})).toThrow(MalformedAvroBody);
  });
});
