import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MqttSource } from '../src/source';
import { brokerUrl, closeOpened, collect, context, sourceConfig, startPublisher, track, uniqueId, type Collected } from './broker';

afterEach(closeOpened);

/** A JSON source reading `<prefix>/a/b/<signal>` only; anything else it passes on becomes a NoMappingForTopic reject. */
function source(prefix: string, clientId: string, stateDir: string, filters: string[], protocolVersion: 4 | 5 = 5): MqttSource {
  const created = new MqttSource(
    sourceConfig({
      clientId,
      protocolVersion,
      format: 'json',
      subscriptions: filters.map((topic) => ({ topic: `${prefix}/${topic}`, qos: 1 })),
      mappings: [{ topic: `${prefix}/a/b/+signal`, assetPath: `${prefix}/a/b`, deviceId: 'b' }],
    }),
    context(clientId, stateDir),
  );
  track(created);
  return created;
}

const payload = (value: unknown) => JSON.stringify({ timestamp_ms: 1_795_000_000_000, value });
const newStateDir = () => mkdtempSync(join(tmpdir(), 'fieldmesh-mqtt-'));

/**
 * Publishes 3 messages on a/c/x, 5 on a/b/x, then a fence on a/b/x, and reads up to the fence. The broker
 * delivers one session's messages in order, so every copy of the earlier messages comes before the fence.
 */
async function publishAndReadThroughFence(reader: MqttSource, prefix: string): Promise<Collected> {
  const plant = await startPublisher();
  for (let i = 0; i < 3; i++) await plant.publishAsync(`${prefix}/a/c/x`, payload(i), { qos: 1 });
  for (let i = 0; i < 5; i++) await plant.publishAsync(`${prefix}/a/b/x`, payload(i), { qos: 1 });
  await plant.publishAsync(`${prefix}/a/b/x`, payload('fence'), { qos: 1 });
  const collected = await collect(reader, (c) => c.readings.some((reading) => reading.value === 'fence'));
  return {
    readings: collected.readings.slice(
      0,
      collected.readings.findIndex((reading) => reading.value === 'fence'),
    ),
    rejects: collected.rejects,
  };
}

describe('MQTT source subscriptions in a persistent session', () => {
  it.each([4, 5] as const)(
    'restarted with a/b/# instead of a/#, it receives each message on a/b/x once and nothing from a/c (MQTT protocol %i, same state folder)',
    async (protocolVersion) => {
      const prefix = uniqueId('stale');
      const clientId = uniqueId('gw');
      const stateDir = newStateDir();
      const before = source(prefix, clientId, stateDir, ['a/#'], protocolVersion);
      await before.connect();
      await before.close(); // DISCONNECT: the broker keeps the session and its a/# subscription

      const after = source(prefix, clientId, stateDir, ['a/b/#'], protocolVersion);
      await after.connect();
      const { readings, rejects } = await publishAndReadThroughFence(after, prefix);

      expect(readings.map((reading) => reading.value)).toEqual([0, 1, 2, 3, 4]);
      expect(rejects).toEqual([]);
      expect(after.metrics()).toMatchObject({ staleSubscriptionsRemoved: 1, messagesOutsideSubscriptions: 0, duplicateCopiesDropped: 0 });
    },
  );

  it('with no record of the session (state folder lost), it still passes each a/b/x message once and nothing from a/c, and unsubscribes the stale filter', async () => {
    const prefix = uniqueId('stale');
    const clientId = uniqueId('gw');
    // An earlier configuration (or gateway version) left a/# in the session, without subscription identifier.
    const earlier = await mqtt.connectAsync(brokerUrl(), { clientId, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 }, reconnectPeriod: 0 });
    await earlier.subscribeAsync(`${prefix}/a/#`, { qos: 1 });
    await earlier.endAsync();

    const after = source(prefix, clientId, newStateDir(), ['a/b/#']);
    await after.connect();
    const { readings, rejects } = await publishAndReadThroughFence(after, prefix);

    expect(readings.map((reading) => reading.value)).toEqual([0, 1, 2, 3, 4]);
    expect(rejects).toEqual([]);
    expect(after.metrics().messagesOutsideSubscriptions).toBe(3);
    // The first a/c message started a sweep; its UNSUBACK names a/# as removed.
    await vi.waitFor(() => expect(after.metrics().staleSubscriptionsRemoved).toBe(1));
  });

  it('subscribed to two overlapping filters, it passes one copy of each message both deliver (MQTT 5 subscription identifiers)', async () => {
    const prefix = uniqueId('overlap');
    const reader = source(prefix, uniqueId('gw'), newStateDir(), ['a/+/x', 'a/b/+']);
    await reader.connect();
    const plant = await startPublisher();
    for (const value of [7, 7, 8, 8, 8]) await plant.publishAsync(`${prefix}/a/b/x`, payload(value), { qos: 1 });
    await plant.publishAsync(`${prefix}/a/b/x`, payload('fence'), { qos: 1 });
    const { readings } = await collect(reader, (c) => c.readings.some((reading) => reading.value === 'fence'));

    // Publishes of the same bytes back to back are separate readings and all arrive; only the second copies go.
    expect(readings.map((reading) => reading.value)).toEqual([7, 7, 8, 8, 8, 'fence']);
    expect(reader.metrics().duplicateCopiesDropped).toBeGreaterThanOrEqual(5);
  });
});
