import type { ConsumedRecord } from '@fieldmesh/kafka';
import type { AvroSerde } from './avro.serde';
import { DecodeError } from './errors';

export interface DecodedRecord<T> {
  record: ConsumedRecord;
  /** Null for a tombstone (a record without a value). */
  schemaId: number | null;
  value: T | null;
}

/** A record whose bytes can never decode, with the typed error to put in its DLQ headers. */
export interface DecodeFailure {
  record: ConsumedRecord;
  error: DecodeError;
}

export interface DecodedBatch<T> {
  decoded: DecodedRecord<T>[];
  failures: DecodeFailure[];
}

/**
 * Decodes the values of a consumed batch, separating poison records (bad bytes, and schema ids that are
 * not a registered version of the record's topic's subject) from good ones so that a consumer
 * dead-letters the failures (e.g. `DlqWriter.write(failures.map((f) => ({ ...f, stage: 'deserialize' })))`)
 * and goes on. Both lists keep the batch's order. Any other error, such as SchemaRegistryUnavailable,
 * rejects: nothing is wrong with the records, so the batch must be retried rather than dead-lettered.
 * Keys are left as bytes: Fieldmesh keys are plain asset or device ids.
 */
export async function decodeBatch<T = unknown>(serde: Pick<AvroSerde, 'decode'>, records: readonly ConsumedRecord[]): Promise<DecodedBatch<T>> {
  const decoded: DecodedRecord<T>[] = [];
  const failures: DecodeFailure[] = [];
  for (const record of records) {
    if (record.value === null) {
      decoded.push({ record, schemaId: null, value: null });
      continue;
    }
    try {
      const { schemaId, value } = await serde.decode<T>(record.value, { topic: record.topic });
      decoded.push({ record, schemaId, value });
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      failures.push({ record, error });
    }
  }
  return { decoded, failures };
}
