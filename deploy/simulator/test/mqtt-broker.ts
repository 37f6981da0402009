import { inject } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';

/** The Mosquitto broker the platform/testing stack started; fails with the reason when it is missing. */
export function brokerUrl(): string {
  const url = inject('mqttUrl');
  if (!url) throw new Error('no mqttUrl provided: the integration stack (platform/testing global setup) did not start Mosquitto');
  return url;
}

export interface Received {
  topic: string;
  payload: Buffer;
}

/** A subscriber that keeps every message, with a wait for the first that matches. */
export async function subscriber(
  url: string,
  topics: string[],
): Promise<{ client: MqttClient; messages: Received[]; waitFor: (match: (m: Received) => boolean, timeoutMs?: number) => Promise<Received> }> {
  const client = await mqtt.connectAsync(url, { clientId: `sim-test-${Math.random().toString(36).slice(2)}`, clean: true });
  const messages: Received[] = [];
  const waiters: { match: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];
  client.on('message', (topic, payload) => {
    const message = { topic, payload };
    messages.push(message);
    for (const waiter of waiters.splice(0)) {
      if (waiter.match(message)) waiter.resolve(message);
      else waiters.push(waiter);
    }
  });
  await client.subscribeAsync(topics, { qos: 1 });
  const waitFor = (match: (m: Received) => boolean, timeoutMs = 15_000) => {
    const seen = messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<Received>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching MQTT message within ${timeoutMs} ms (got ${messages.length}: ${messages
                .slice(-3)
                .map((m) => m.topic)
                .join(', ')})`,
            ),
          ),
        timeoutMs,
      );
      waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  };
  return { client, messages, waitFor };
}
