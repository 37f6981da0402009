import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, type MosquittoInstance } from '@fieldmesh/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttJsonPublisher } from '../src/mqtt-json.publisher';
import { STOP_GRACE_MS } from '../src/mqtt.in-flight';

describe('stopping an MQTT output while the broker does not answer', () => {
  let broker: MosquittoInstance | undefined;

  afterEach(async () => {
    if (broker) process.kill(broker.pid, 'SIGCONT');
    await broker?.stop();
  });

  it('ends after the grace period instead of waiting forever for a PUBACK; and the unacknowledged publish fails', async () => {
    broker = await startMosquitto({ dir: mkdtempSync(join(tmpdir(), 'sim-stop-')) });
    const publisher = new MqttJsonPublisher({ url: broker.url, clientId: `sim-stop-${process.pid}` });
    await publisher.start();
    await publisher.publishRaw('acme/stop-test/acknowledged', 'before');
    // A broker that hangs (here: stopped) keeps the TCP connection open and never acknowledges.
    process.kill(broker.pid, 'SIGSTOP');
    const unacknowledged = publisher.publishRaw('acme/stop-test/in-flight', 'during').then(
      () => 'acknowledged',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    const stopped = publisher.stop().then(() => 'stopped');
    const outcome = await Promise.race([stopped, new Promise((resolve) => setTimeout(() => resolve('still stopping'), 3 * STOP_GRACE_MS))]);
    expect(outcome).toBe('stopped');
    expect(await unacknowledged).not.toBe('acknowledged');
  });
});
