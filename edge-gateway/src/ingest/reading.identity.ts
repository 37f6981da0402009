import { hash } from 'node:crypto';
import type { SourceReading } from '@fieldmesh/connect';

/**
 * What identifies a reading at its source: a source delivering it again yields the same id. For MQTT JSON
 * that is the topic, device, signal and the payload's timestamp; for Sparkplug B the topic (group, node,
 * device), the metric and its timestamp (the metric's, else the payload's). Redelivery happens after a
 * gateway crash before the PUBACK went out, and after a broker restored from its last save resends what it
 * had not saved as acknowledged. Readings whose source gives no timestamp carry the receive time, so their
 * redeliveries cannot be recognised.
 */
export function readingId(reading: SourceReading): string {
  return hash('sha256', `${reading.sourceProtocol}|${reading.sourceAddress}|${reading.deviceId}|${reading.signal}|${reading.readingTime}`, 'base64url').slice(0, 22);
}

/** The buffered record's header holding its reading id. */
export const READING_ID_HEADER = 'fieldmesh.reading-id';

/** The buffered record's header naming the connector it came from. */
export const CONNECTOR_HEADER = 'fieldmesh.connector';
