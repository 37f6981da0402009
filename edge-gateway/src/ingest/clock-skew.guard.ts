import { type LoadedContract, maxClockSkewMsOf } from '@fieldmesh/governance';

/**
 * A reading's source timestamp is further ahead of the gateway's clock than the contract's
 * `timeliness.maxClockSkew`: the device's clock is wrong. Such a reading must not reach the windowed
 * products, where it would move event time years ahead and make every later reading late.
 */
export class ClockSkewExceeded extends Error {
  override readonly name = 'ClockSkewExceeded';
  constructor(
    readonly field: string,
    readonly eventTimeMs: number,
    readonly receivedTimeMs: number,
    readonly maxClockSkewMs: number,
  ) {
    super(
      `${field} ${isoOrRaw(eventTimeMs)} is ${eventTimeMs - receivedTimeMs} ms ahead of the gateway clock (${new Date(receivedTimeMs).toISOString()}), ` +
        `beyond timeliness.maxClockSkew of ${maxClockSkewMs} ms. Set the device's clock (NTP), or raise the contract's timeliness.maxClockSkew if its clock is known to run ahead.`,
    );
  }
}

/** Checks a record's event time against the receiving clock, as the contract's timeliness says. */
export class ClockSkewGuard {
  readonly field: string;
  readonly maxClockSkewMs: number;

  constructor(contract: LoadedContract) {
    // Raw telemetry always carries readingTime, the source timestamp; a contract may name another field.
    this.field = contract.contract.timeliness?.eventTime ?? 'readingTime';
    this.maxClockSkewMs = maxClockSkewMsOf(contract.contract);
  }

  /** The error for a record stamped too far ahead of `now`, or undefined when it is within the skew. */
  check(record: Record<string, unknown>, now: number): ClockSkewExceeded | undefined {
    const value = record[this.field];
    const eventTimeMs = value instanceof Date ? value.getTime() : typeof value === 'bigint' ? Number(value) : value;
    if (typeof eventTimeMs !== 'number' || !(eventTimeMs > now + this.maxClockSkewMs)) return undefined;
    return new ClockSkewExceeded(this.field, eventTimeMs, now, this.maxClockSkewMs);
  }
}

function isoOrRaw(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
