import type { StackAddresses } from '@fieldmesh/stack';
import type { DataPlane } from '../data.plane';

/** A cumulative count a stage exposes (readings in, records acknowledged, rows inserted). */
export interface Counter {
  /** Row label in the results, e.g. 'gateway in (decode, encode, buffer)'. */
  name: string;
  /** What one count is: 'points', 'records', 'rows'. */
  unit: string;
  read(): Promise<number>;
}

/**
 * One piece of the pipeline under test. Stages are independent: a scenario lists the ones it runs, so a
 * new stage (a domain job, the operator) is one more factory, not a change to the runner.
 */
export interface PipelineStage {
  readonly name: string;
  /** This stage's counters, upstream first. */
  readonly counters: Counter[];
  /** Resolves when the stage can take load (subscribed, joined its group). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface StageContext {
  addresses: Required<Pick<StackAddresses, 'kafkaBrokers' | 'registryUrl'>> & StackAddresses;
  /** The MQTT and Kafka listeners (and identities) this stage's clients use: the secure or the plain side. */
  plane: DataPlane;
  /** Repository root: contracts, schemas, the simulator. */
  root: string;
  /** A folder this stage may use for its state; emptied before the run. */
  stateDir: string;
  log: (line: string) => void;
}
