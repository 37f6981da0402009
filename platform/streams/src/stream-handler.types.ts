import type { RecordFailed } from './errors';
import type { StreamOutput, StreamRecord } from './stream.types';

/**
 * A domain handler: gets a batch of decoded records (of every input topic, in offset order per partition)
 * and resolves with the records to produce. An input record that cannot be processed is reported as a
 * `RecordFailed` among the results (dead-lettered with stage 'process'; the rest goes on).
 *
 * A handler that throws is run again record by record on that batch, and the records that throw alone
 * are dead-lettered: so a handler that keeps state (windows) must report per-record problems as
 * RecordFailed results, or throw before it changes any state for the batch.
 */
export type StreamHandler = (records: StreamRecord<unknown>[]) => Promise<Array<StreamOutput | RecordFailed>>;
