import avro from 'avsc';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A long as a bigint; also accepts a safe-integer number (which converts exactly). */
function asInt64(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}

function requireInt64(value: unknown): bigint {
  const long = asInt64(value);
  if (long === undefined) throw new TypeError(`not a 64-bit integer: ${String(value)}`);
  return long;
}

/**
 * Avro `long` decoded as a JavaScript bigint, so all 64 bits survive (avsc's default long throws or
 * loses precision past Number.MAX_SAFE_INTEGER). Encoding accepts a bigint or a safe-integer number;
 * an unsafe number is refused because it has already lost precision.
 */
export const bigintLongType = avro.types.LongType.__with({
  // avsc hands over the zigzag-decoded value as 8 little-endian two's-complement bytes.
  fromBuffer: (buf: Buffer): bigint => buf.readBigInt64LE(0),
  toBuffer: (value: bigint | number): Buffer => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(requireInt64(value));
    return buf;
  },
  // Schema defaults and JSON: integers, or decimal strings for values JSON numbers cannot hold.
  fromJSON: (json: unknown): bigint => requireInt64(typeof json === 'string' ? BigInt(json) : json),
  toJSON: (value: bigint): number | string => {
    const long = requireInt64(value);
    return long >= BigInt(Number.MIN_SAFE_INTEGER) && long <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(long) : long.toString();
  },
  isValid: (value: unknown): boolean => asInt64(value) !== undefined,
  compare: (a: bigint | number, b: bigint | number): number => {
    const x = requireInt64(a);
    const y = requireInt64(b);
    return x === y ? 0 : x < y ? -1 : 1;
  },
});
