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
 * The readings of a source batch grouped into raw.v2 batches: one per device, asset and protocol (one Kafka
 * key and one record's shared fields), in the order each first appears, its readings in source order, at
 * most MAX_READINGS_PER_BATCH each. A source batch is what the connector read at once: a Sparkplug DDATA's
 * metrics of one device, an OPC UA publish response's values of many nodes of a few assets, interleaved;
 * a device's next messages in the same source batch join its batch. Order per asset is kept.
 */
export function batchesOf<T extends { reading: BatchKey }>(items: readonly T[]): T[][] {
  const open = new Map<string, T[]>();
  const batches: T[][] = [];
  for (const item of items) {
    const key = `${item.reading.sourceProtocol}\u0000${item.reading.deviceId}\u0000${item.reading.assetPath}`;
    let batch = open.get(key);
    if (!batch || batch.length >= MAX_READINGS_PER_BATCH) {
      batch = [];
      open.set(key, batch);
      batches.push(batch);
    }
    batch.push(item);
  }
  return batches;
}

/**
 * The raw.v2 record of readings that each passed the raw.v1 contract and hold consecutive sequence numbers
 * (the caller checks both; batchesOf says which readings share a batch). Lossless: expanded, it gives
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
