import { hash } from 'node:crypto';
import type { SourceReading } from '@fieldmesh/connect';

/**
 * What identifies a reading at its source: a source delivering it again yields the same id. For MQTT JSON
 * that is the topic, device, signal and the payload's timestamp; for Sparkplug B the edge node and device,
 * the metric and its timestamp (the metric's, else the payload's), whichever message carried it. The value
 * and quality belong to it too: a copy repeats them, while two messages stamped the same millisecond with
 * different values (a device correcting a reading, a second writer on the topic) are two readings, and
 * taking the second for a copy would drop a reading the source was told is delivered. Redelivery
 * happens after a gateway crash before the PUBACK went out, when a broker restored from its last save
 * resends what it had not saved as acknowledged, and when a Sparkplug edge node reconnects: its births
 * restate the values it measured last while it resends the DATA messages that carried them. Readings
 * whose source gives no timestamp carry the receive time, so their redeliveries cannot be recognised.
 */
export function readingId(reading: SourceReading): string {
  const content = `${typeof reading.value}:${String(reading.value)}|${reading.quality}`;
  return hash('sha256', `${reading.sourceProtocol}|${addressOf(reading)}|${reading.deviceId}|${reading.signal}|${reading.readingTime}|${content}`, 'base64url').slice(0, 22);
}

/**
 * The source address without what varies between copies of a reading: a Sparkplug B topic
 * (`spBv1.0/<group>/<message type>/<edge node>[/<device>]`) names the message type, and a DBIRTH and a DDATA
 * carrying the same metric at the same time hold one reading.
 */
function addressOf(reading: SourceReading): string {
  const address = reading.sourceAddress;
  if (reading.sourceProtocol !== 'SPARKPLUG_B') return address;
  // The third level cut out by index: this runs for every reading (split and join showed in the profile).
  const second = address.indexOf('/', address.indexOf('/') + 1);
  if (second < 0) return address;
  const third = address.indexOf('/', second + 1);
  return third < 0 ? address.slice(0, second) : address.slice(0, second) + address.slice(third);
}

/** The buffered record's header holding its reading id; a batch record's holds its readings' ids, joined by READING_IDS_SEPARATOR. */
export const READING_ID_HEADER = 'fieldmesh.reading-id';

/** Joins the ids of a batch's readings (ids are base64url: never a comma). */
export const READING_IDS_SEPARATOR = ',';

/** The buffered record's header naming the connector it came from. */
export const CONNECTOR_HEADER = 'fieldmesh.connector';

/** The buffered record's header holding the time the gateway received it (epoch ms). */
export const RECEIVED_TIME_HEADER = 'fieldmesh.received-time';
