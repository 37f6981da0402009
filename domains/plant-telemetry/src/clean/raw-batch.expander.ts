import type { RawReading } from './reading.cleaner';

/** What raw.v2 keeps once per batch; every other raw.v1 field is per reading. */
type SharedFields = 'receivedTime' | 'gatewayId' | 'deviceId' | 'assetPath' | 'sourceProtocol' | 'sourceAddress';

/** A plant.telemetry.raw.v2 value as the serde decodes it: the readings of one device from one source message. */
export interface RawReadingBatch extends Pick<RawReading, SharedFields> {
  firstSequenceNumber: bigint | number;
  readings: Array<Omit<RawReading, SharedFields> & { sourceAddress: string | null }>;
}

/** Whether a decoded raw value is a raw.v2 batch (the clean job reads raw.v1 and raw.v2 while gateways move over). */
export function isReadingBatch(value: unknown): value is RawReadingBatch {
  return Array.isArray((value as Partial<RawReadingBatch> | null)?.readings);
}

/** The raw.v1 readings of a raw.v2 batch, in its order: a reading without its own source address has the batch's. */
export function expandReadingBatch(batch: RawReadingBatch): RawReading[] {
  return batch.readings.map((reading) => ({
    ...reading,
    receivedTime: batch.receivedTime,
    gatewayId: batch.gatewayId,
    deviceId: batch.deviceId,
    assetPath: batch.assetPath,
    sourceProtocol: batch.sourceProtocol,
    sourceAddress: reading.sourceAddress ?? batch.sourceAddress,
  }));
}
