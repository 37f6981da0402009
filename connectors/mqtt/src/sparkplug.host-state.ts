import { SPARKPLUG_NAMESPACE } from './sparkplug.topic';

/** The primary host application's state topic, `spBv1.0/STATE/<host_id>` (Sparkplug 3.0). */
export function hostStateTopic(hostId: string): string {
  return `${SPARKPLUG_NAMESPACE}/STATE/${hostId}`;
}

/**
 * The STATE payload of Sparkplug 3.0: JSON `{"online":…,"timestamp":…}`, published retained at QoS 1. One
 * timestamp per MQTT session, in the will (offline) and the birth (online) alike, so that an edge node can
 * tell a stale state message of an earlier session from the current one.
 */
export function hostStatePayload(online: boolean, timestamp: number): Buffer {
  return Buffer.from(JSON.stringify({ online, timestamp }));
}
