import { setTimeout as sleep } from 'node:timers/promises';
import type { MqttClient } from 'mqtt';

/** How long a stop waits for publishes still in flight (a broker restarting, the client reconnecting). */
export const STOP_GRACE_MS = 5_000;

interface Pending {
  settled: Promise<void>;
  reject(error: Error): void;
}

/**
 * A device's QoS 1 publishes that await their PUBACK, so that a stop waits for them for a bounded time.
 * mqtt.js's own graceful `end()` waits for them with no bound and stops reconnecting meanwhile (a stop while
 * the broker is away never returns), and its forced end leaves them pending forever. Here a publish still
 * unacknowledged at the end rejects, so it counts as not published (the plant counts what the broker took).
 */
export class PublishesInFlight {
  private readonly pending = new Set<Pending>();

  publish(client: MqttClient, topic: string, payload: string | Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry: Pending = { settled: client.publishAsync(topic, payload, { qos: 1 }).then(() => resolve(), reject), reject };
      this.pending.add(entry);
      void entry.settled.finally(() => this.pending.delete(entry));
    });
  }

  /** Waits up to `graceMs` for the publishes in flight, then closes the connection and fails what is left. */
  async end(client: MqttClient, graceMs = STOP_GRACE_MS): Promise<void> {
    const abort = new AbortController();
    const grace = sleep(graceMs, undefined, { signal: abort.signal }).catch(() => undefined);
    await Promise.race([Promise.all([...this.pending].map((entry) => entry.settled)), grace]);
    abort.abort();
    for (const entry of this.pending) entry.reject(new Error(`not acknowledged by the broker within ${graceMs} ms of the stop`));
    this.pending.clear();
    await client.endAsync(true);
  }
}
