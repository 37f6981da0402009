import avro, { type Schema, type Type } from 'avsc';

/** The largest distance from the epoch a JavaScript Date can hold, in milliseconds. */
const MAX_DATE_MILLIS = 8.64e15;

/**
 * Avro `timestamp-millis` (a long of milliseconds since the epoch, UTC) decoded as a Date. Encoding
 * accepts a valid Date or a safe-integer number of epoch milliseconds (what clients without logical
 * types write), so records from either kind of producer round-trip.
 */
export class TimestampMillisType extends avro.types.LogicalType {
  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts);
    // The spec says an ill-placed logical type is ignored: throwing makes avsc fall back to the long.
    if (!avro.Type.isType(this.underlyingType, 'long', 'abstract:long')) {
      throw new Error('timestamp-millis must annotate a long');
    }
  }

  protected override _fromValue(value: number | bigint): Date {
    const millis = Number(value);
    if (!(Math.abs(millis) <= MAX_DATE_MILLIS)) {
      throw new RangeError(`timestamp-millis ${String(value)} is outside the range of a Date`);
    }
    return new Date(millis);
  }

  protected override _toValue(value: unknown): number | undefined {
    const millis = value instanceof Date ? value.getTime() : value;
    return typeof millis === 'number' && Number.isSafeInteger(millis) && Math.abs(millis) <= MAX_DATE_MILLIS ? millis : undefined;
  }

  protected override _resolve(type: Type): ((value: number | bigint | Date) => Date) | undefined {
    if (avro.Type.isType(type, 'logical:timestamp-millis')) return (value) => value as Date;
    if (avro.Type.isType(type, 'long', 'abstract:long')) return (value) => this._fromValue(value as number | bigint);
    return undefined;
  }
}
