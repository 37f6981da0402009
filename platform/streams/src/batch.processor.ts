import { RecordFailed } from './errors';
import type { StreamHandler } from './stream-handler.types';
import type { StreamOutput, StreamRecord } from './stream.types';

/** The outputs of one batch, already encoded by the caller's `encode`, and the records that failed. */
export interface ProcessedBatch<E> {
  encoded: E[];
  failed: RecordFailed[];
}

/**
 * Runs the handler on a batch and encodes what it returns. Encoding happens here, inside the handler's
 * failure scope, because an output that does not match its schema is a processing failure of the record
 * that produced it: the record-by-record rerun finds that record.
 */
export async function processBatch<E>(handler: StreamHandler, records: StreamRecord<unknown>[], encode: (output: StreamOutput) => E): Promise<ProcessedBatch<E>> {
  const result: ProcessedBatch<E> = { encoded: [], failed: [] };
  if (records.length === 0) return result;
  let pending = records;
  // A thrown RecordFailed names its record: drop it and run the rest as one batch again.
  for (;;) {
    try {
      settle(await handler(pending), encode, result);
      return result;
    } catch (error) {
      if (!(error instanceof RecordFailed) || !pending.includes(error.record)) break;
      result.failed.push(error);
      pending = pending.filter((record) => record !== error.record);
      if (pending.length === 0) return result;
    }
  }
  // Anything else: find the records that fail on their own.
  const isolated: ProcessedBatch<E> = { encoded: [], failed: result.failed };
  for (const record of pending) {
    const attempt: ProcessedBatch<E> = { encoded: [], failed: [] };
    try {
      settle(await handler([record]), encode, attempt);
    } catch (error) {
      isolated.failed.push(error instanceof RecordFailed ? error : new RecordFailed(record, error));
      continue;
    }
    append(isolated.encoded, attempt.encoded);
    append(isolated.failed, attempt.failed);
  }
  return isolated;
}

function settle<E>(results: Array<StreamOutput | RecordFailed>, encode: (output: StreamOutput) => E, into: ProcessedBatch<E>): void {
  const encoded: E[] = [];
  const failed: RecordFailed[] = [];
  for (const item of results) {
    if (item instanceof RecordFailed) failed.push(item);
    else encoded.push(encode(item));
  }
  // Only a batch that encoded completely counts: a throw above leaves `into` untouched for the rerun.
  append(into.encoded, encoded);
  append(into.failed, failed);
}

/** push(...items) hits the engine's argument limit on large batches. */
function append<T>(target: T[], items: T[]): void {
  for (const item of items) target.push(item);
}
