import { ReadingBatchInvalid } from '../errors';
import type { RawReading } from './reading.cleaner';

/** What raw.v2 keeps once per batch; every other raw.v1 field is per reading. */
type SharedFields = 'receivedTime' | 'gatewayId' | 'deviceId' | 'assetPath' | 'sourceProtocol' | 'sourceAddress';

/** A plant.telemetry.raw.v2 value as the serde decodes it: the readings of one device from one source message. */
export interface RawReadingBatch extends Pick<RawReading, SharedFields> {
  firstSequenceNumber: bigint | number;
  readings: Array<Omit<RawReading, SharedFields | 'attributes'> & { sourceAddress: string | null; attributes: string }>;
}

/** Whether a decoded raw value is a raw.v2 batch (the clean job reads raw.v1 and raw.v2 while gateways move over). */
export function isReadingBatch(value: unknown): value is RawReadingBatch {
  return Array.isArray((value as Partial<RawReadingBatch> | null)?.readings);
}

/**
 * The raw.v1 readings of a raw.v2 batch, in its order: a reading without its own source address has the
 * batch's, and its attributes (JSON text in raw.v2) become raw.v1's map again. Throws ReadingBatchInvalid
 * when a reading's attributes are not a JSON object of strings.
 */
export function expandReadingBatch(batch: RawReadingBatch): RawReading[] {
  return batch.readings.map((reading) => ({
    ...reading,
    attributes: attributesOf(batch, reading),
    receivedTime: batch.receivedTime,
    gatewayId: batch.gatewayId,
    deviceId: batch.deviceId,
    assetPath: batch.assetPath,
    sourceProtocol: batch.sourceProtocol,
    sourceAddress: reading.sourceAddress ?? batch.sourceAddress,
  }));
}

function attributesOf(batch: RawReadingBatch, reading: RawReadingBatch['readings'][number]): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(reading.attributes);
  } catch {
    parsed = undefined;
  }
  const valid = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((value) => typeof value === 'string');
  if (!valid) throw new ReadingBatchInvalid(batch.gatewayId, Number(reading.sequenceNumber), 'attributes', 'must be a JSON object of strings');
  return parsed as Record<string, string>;
}
