import type { DeadbandConfig } from './config';

/** An AnalogItem's EURange: the instrument's measuring range, what a percent deadband is a percent of. */
export interface EuRange {
  low: number;
  high: number;
}

/**
 * A deadband applied by the connector to a monitored item that the server returns unfiltered (it refused
 * the DataChangeFilter): the same rule the server would apply with trigger StatusValue (OPC UA Part 4,
 * 7.22.2). A value is reported when it differs from the last reported one by more than the deadband, and
 * always when the status changes or the value is not a number.
 */
export class ClientDeadband {
  private last: { value: number; statusCode: number } | undefined;

  private constructor(readonly threshold: number) {}

  /** The client-side deadband for a config, or undefined for a percent deadband without a usable EURange. */
  static of(deadband: DeadbandConfig, euRange: EuRange | undefined): ClientDeadband | undefined {
    if (deadband.type === 'absolute') return new ClientDeadband(deadband.value);
    if (!euRange || !(euRange.high > euRange.low)) return undefined;
    return new ClientDeadband((deadband.value / 100) * (euRange.high - euRange.low));
  }

  /** Whether this change is reported; a reported value becomes the reference for the next. */
  passes(value: unknown, statusCode: number): boolean {
    const last = this.last;
    if (typeof value !== 'number') {
      this.last = undefined;
      return true;
    }
    if (last && last.statusCode === statusCode && Math.abs(value - last.value) <= this.threshold) return false;
    this.last = { value, statusCode };
    return true;
  }
}
