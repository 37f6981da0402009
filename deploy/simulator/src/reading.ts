import type { Asset } from './plant.model';
import type { SignalDefinition } from './signal.catalog';

export type Quality = 'GOOD' | 'UNCERTAIN' | 'BAD';

/** OPC UA status code names the simulator sets; the other protocols carry `quality` only. */
export type StatusName = 'Good' | 'UncertainLastUsableValue' | 'UncertainSensorNotAccurate' | 'BadSensorFailure' | 'BadNoCommunication';

/** One sample of one signal of one asset, as every protocol output publishes it. */
export interface Reading {
  asset: Asset;
  signal: SignalDefinition;
  timestampMs: number;
  /** null when the sensor delivers nothing usable (quality BAD). */
  value: number | string | null;
  quality: Quality;
  status: StatusName;
  /** Badge of the operator at the machine: personal data, present on some readings. */
  operator?: string;
  /** Sent after the fact (replayed backfill); Sparkplug marks such metrics `is_historical`. */
  historical?: boolean;
}

export function qualityOf(status: StatusName): Quality {
  if (status === 'Good') return 'GOOD';
  return status.startsWith('Uncertain') ? 'UNCERTAIN' : 'BAD';
}
