import type { MappedSignal } from './browse.mapping';
import type { EuRange } from './client.deadband';
import type { DeadbandConfig } from './config';

/** A variable to monitor, mapped to asset and signal. */
export interface SignalNode extends MappedSignal {
  nodeId: string;
  /** UCUM unit from the config or the variable's EngineeringUnits. */
  unit?: string;
  deadband?: DeadbandConfig;
  /** The variable's EURange, when it has one. */
  euRange?: EuRange;
}
