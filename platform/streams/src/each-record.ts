import { RecordFailed } from './errors';
import type { StreamOutput, StreamRecord } from './stream.types';

/**
 * Maps each record of a batch to its outputs (none, one or several), turning a throw for one record into
 * that record's RecordFailed so the rest of the batch goes on.
 */
export function eachRecord<V>(records: StreamRecord<V>[], map: (record: StreamRecord<V>) => StreamOutput | StreamOutput[] | undefined): Array<StreamOutput | RecordFailed> {
  const results: Array<StreamOutput | RecordFailed> = [];
  for (const record of records) {
    try {
      const out = map(record);
      if (out === undefined) continue;
      if (Array.isArray(out)) for (const item of out) results.push(item);
      else results.push(out);
    } catch (error) {
      results.push(new RecordFailed(record as StreamRecord<unknown>, error));
    }
  }
  return results;
}
