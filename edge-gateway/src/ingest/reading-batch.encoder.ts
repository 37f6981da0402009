import type { RawReadingRecord } from '../enrich/raw-reading.builder';

/** Most readings one plant.telemetry.raw.v2 record holds: a few hundred kilobytes, well under Kafka's 1 MB default `max.message.bytes`. */
export const MAX_READINGS_PER_BATCH = 1_000;

/** One reading of a `plant.telemetry.raw.v2` record (BatchedReading): what differs between readings of a message. */
export interface BatchedReadingRecord {
  readingTime: number;
  sequenceNumber: number;
  signal: string;
  value: number | null;
  valueText: string | null;
  unit: string;
  quality: RawReadingRecord['quality'];
  qualityCode: number | null;
  /** Null when it is the batch's sourceAddress. */
  sourceAddress: string | null;
  isHistorical: boolean;
  operatorBadge: string | null;
  /** raw.v1's attributes as a JSON object (see RawReadingBatch.avsc). */
  attributes: string;
}

/** A `plant.telemetry.raw.v2` record (RawReadingBatch) before Avro encoding. */
export interface RawReadingBatchRecord {
  receivedTime: number;
  gatewayId: string;
  firstSequenceNumber: number;
  deviceId: string;
  assetPath: string;
  sourceProtocol: RawReadingRecord['sourceProtocol'];
  sourceAddress: string;
  readings: BatchedReadingRecord[];
}

/** What readings of one batch share: its Kafka key and the record's common fields. */
export type BatchKey = Pick<RawReadingRecord, 'deviceId' | 'assetPath' | 'sourceProtocol'>;

/**
 * Whether a reading continues the batch that `first` opened, holding `size` readings: same device, asset and
 * protocol, and room left. A source batch holds its messages' readings in order, so a batch is the readings
 * of one device from one message (and from the next messages of the same device in that source batch: a
 * connector that read several at once).
 */
export function joinsBatch(first: BatchKey, size: number, next: BatchKey): boolean {
  return size < MAX_READINGS_PER_BATCH && next.deviceId === first.deviceId && next.assetPath === first.assetPath && next.sourceProtocol === first.sourceProtocol;
}

/**
 * The raw.v2 record of readings that each passed the raw.v1 contract and hold consecutive sequence numbers
 * (the caller checks both; joinsBatch says which readings share a batch). Lossless: expanded, it gives
 * back the raw.v1 records.
 */
export function toReadingBatch(records: readonly RawReadingRecord[]): RawReadingBatchRecord {
  const first = records[0];
  if (!first) throw new RangeError('a raw.v2 batch needs at least one reading');
  const readings = records.map((record): BatchedReadingRecord => ({
    readingTime: record.readingTime,
    sequenceNumber: record.sequenceNumber,
    signal: record.signal,
    value: record.value,
    valueText: record.valueText,
    unit: record.unit,
    quality: record.quality,
    qualityCode: record.qualityCode,
    sourceAddress: record.sourceAddress === first.sourceAddress ? null : record.sourceAddress,
    isHistorical: record.isHistorical,
    operatorBadge: record.operatorBadge,
    attributes: JSON.stringify(record.attributes),
  }));
  return {
    receivedTime: first.receivedTime,
    gatewayId: first.gatewayId,
    firstSequenceNumber: first.sequenceNumber,
    deviceId: first.deviceId,
    assetPath: first.assetPath,
    sourceProtocol: first.sourceProtocol,
    sourceAddress: first.sourceAddress,
    readings,
  };
}
