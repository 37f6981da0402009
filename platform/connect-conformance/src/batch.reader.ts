import type { Source, SourceBatch, SourceReading, SourceReject } from '@fieldmesh/connect';

/** Everything read from a source so far. */
export interface ReadSoFar {
  batches: SourceBatch[];
  readings: SourceReading[];
  rejects: SourceReject[];
}

/** `ack`: as the runtime does once the batch is durable; `hold`: leave it unsettled, as before that. */
export type Settle = 'ack' | 'hold';

/** How long a read may wait for what the test expects; reaching it is a failure, never a pass. */
export const READ_LIMIT_MS = 20_000;

/**
 * Reads batches until `done` holds for everything read, settling each as told. Fails, saying what it
 * got, when the source throws or nothing more comes within READ_LIMIT_MS.
 */
export async function readUntil(source: Source, done: (read: ReadSoFar) => boolean, settle: Settle, describe: (read: ReadSoFar) => string): Promise<ReadSoFar> {
  const read: ReadSoFar = { batches: [], readings: [], rejects: [] };
  const limit = AbortSignal.timeout(READ_LIMIT_MS);
  while (!done(read)) {
    let batch: SourceBatch;
    try {
      batch = await source.read(limit);
    } catch (error) {
      const why = limit.aborted ? `nothing more came within ${READ_LIMIT_MS} ms` : `read() threw ${String(error)}`;
      throw new Error(`${why}; read so far: ${describe(read)}`, { cause: error });
    }
    read.batches.push(batch);
    read.readings.push(...batch.readings);
    read.rejects.push(...batch.rejects);
    if (settle === 'ack') await batch.ack();
  }
  return read;
}

/**
 * Reads until read() throws (what it delivered before, e.g. readings that arrived before the link was
 * lost, is held unsettled) and returns the error, or a timeout error when read() never throws.
 */
export async function readUntilThrows(source: Source): Promise<{ error: unknown; batches: SourceBatch[] }> {
  const batches: SourceBatch[] = [];
  const limit = AbortSignal.timeout(READ_LIMIT_MS);
  for (;;) {
    try {
      batches.push(await source.read(limit));
    } catch (error) {
      if (limit.aborted) return { error: new Error(`read() did not throw within ${READ_LIMIT_MS} ms of the link being lost`), batches };
      return { error, batches };
    }
  }
}
