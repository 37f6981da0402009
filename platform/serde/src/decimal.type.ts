import avro, { type Schema, type Type } from 'avsc';

const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?$/;

interface DecimalSchema {
  precision?: unknown;
  scale?: unknown;
  size?: unknown;
}

/** Bytes a two's-complement integer of `digits` decimal digits needs, sign bit included. */
function bytesForDigits(digits: number): number {
  return Math.ceil((digits * Math.log2(10) + 1) / 8);
}

/** Largest decimal precision a fixed of `size` bytes holds (Avro spec: floor(log10(2^(8n-1) - 1))). */
function maxPrecisionOfFixed(size: number): number {
  return Math.floor(Math.log10(2) * (8 * size - 1));
}

/**
 * Avro `decimal` (bytes or fixed, two's-complement big-endian unscaled integer, with precision and
 * scale) decoded as a decimal string such as "-12.50" (always `scale` fraction digits), so no value
 * ever passes through a float. Encoding accepts such a string; more fraction digits than the scale
 * (other than trailing zeros) or more digits than the precision are invalid rather than rounded.
 */
export class DecimalType extends avro.types.LogicalType {
  readonly precision: number;
  readonly scale: number;
  private readonly fixedSize: number | undefined;
  private readonly maxBytes: number;

  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts);
    const { precision, scale = 0 } = schema as DecimalSchema;
    // Throwing makes avsc fall back to the underlying bytes, as the spec says for invalid decimals.
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
      throw new Error(`decimal precision must be a positive integer, got ${String(precision)}`);
    }
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw new Error(`decimal scale must be an integer between 0 and the precision, got ${String(scale)}`);
    }
    const underlying = this.underlyingType;
    if (avro.Type.isType(underlying, 'fixed')) {
      this.fixedSize = (underlying as avro.types.FixedType).size;
      if (precision > maxPrecisionOfFixed(this.fixedSize)) {
        throw new Error(`decimal precision ${precision} does not fit a fixed of ${this.fixedSize} bytes`);
      }
    } else if (!avro.Type.isType(underlying, 'bytes')) {
      throw new Error('decimal must annotate bytes or fixed');
    }
    this.precision = precision;
    this.scale = scale;
    this.maxBytes = this.fixedSize ?? bytesForDigits(precision);
  }

  protected override _fromValue(buf: Buffer): string {
    // Bounding the length first keeps a hostile multi-megabyte "decimal" from a quadratic BigInt parse.
    if (buf.length > this.maxBytes) {
      throw new RangeError(`decimal of ${buf.length} bytes exceeds precision ${this.precision}`);
    }
    let unscaled = buf.length === 0 ? 0n : BigInt(`0x${buf.toString('hex')}`);
    if (buf.length > 0 && (buf[0]! & 0x80) !== 0) unscaled -= 1n << BigInt(8 * buf.length);
    return formatDecimal(unscaled, this.scale);
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    if (typeof value !== 'string') return undefined;
    const unscaled = parseDecimal(value, this.scale);
    if (unscaled === undefined) return undefined;
    const magnitude = unscaled < 0n ? -unscaled : unscaled;
    if (magnitude.toString().length > this.precision) return undefined;
    return toTwosComplement(unscaled, this.fixedSize);
  }

  protected override _resolve(type: Type): ((value: unknown) => string) | undefined {
    if (type instanceof DecimalType && type.scale === this.scale && type.precision <= this.precision) {
      return (value) => value as string;
    }
    return undefined;
  }

  protected override _export(attrs: Schema): void {
    Object.assign(attrs as object, { precision: this.precision, scale: this.scale });
  }
}

function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** The unscaled integer of a decimal string at `scale`, or undefined if it needs rounding or is not a decimal. */
function parseDecimal(text: string, scale: number): bigint | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  const kept = fraction.slice(0, scale);
  if (/[^0]/.test(fraction.slice(scale))) return undefined;
  const unscaled = BigInt(whole + kept.padEnd(scale, '0'));
  return sign === '-' ? -unscaled : unscaled;
}

/** Minimal big-endian two's complement, or sign-extended to `size` bytes; undefined if it does not fit. */
function toTwosComplement(value: bigint, size: number | undefined): Buffer | undefined {
  let length = 1;
  while (value < -(1n << BigInt(8 * length - 1)) || value >= 1n << BigInt(8 * length - 1)) length++;
  if (size !== undefined) {
    if (length > size) return undefined;
    length = size;
  }
  const bits = BigInt(8 * length);
  const encoded = value < 0n ? (1n << bits) + value : value;
  return Buffer.from(encoded.toString(16).padStart(2 * length, '0'), 'hex');
}
