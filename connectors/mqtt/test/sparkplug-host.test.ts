import type { MqttClient } from 'mqtt';
import { get } from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttSource } from '../src/source';
import { closeOpened, collect, context, sourceConfig, startPublisher, track, uniqueId } from './broker';

const sparkplug = get('spBv1.0')!;
const NODE = 'press-shop.line-1';
const DEVICE = 'compressor-1';
const T0 = 1_795_000_000_000;

afterEach(closeOpened);

interface HostState {
  online: boolean;
  timestamp: number;
}

/**
 * An edge node configured with a primary host, as Sparkplug 3.0 has it: it follows `spBv1.0/STATE/<host>`;
 * while the host is offline it stores its readings; when the host comes online it publishes its births, then
 * what it stored, in order, as is_historical metrics, then goes on live.
 */
async function storeAndForwardNode(client: MqttClient, group: string, hostId: string) {
  let seq = 0;
  let online = false;
  const stored: UMetric[] = [];
  const states: HostState[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  const publish = (type: string, metrics: UMetric[], device?: string) =>
    client.publishAsync(
      [`spBv1.0/${group}/${type}/${NODE}`, device].filter(Boolean).join('/'),
      Buffer.from(sparkplug.encodePayload({ timestamp: T0, seq: seq++ % 256, metrics } as UPayload)),
      { qos: 1 },
    );
  const births = async () => {
    seq = 0;
    await publish('NBIRTH', [{ name: 'bdSeq', type: 'UInt64', value: 0 }]);
    await publish('DBIRTH', [{ name: 'bearing_temperature', alias: 1, type: 'Double', value: 0, properties: { engUnit: { type: 'String', value: 'Cel' } } }], DEVICE);
  };
  const serially = (step: () => Promise<unknown>) => (chain = chain.then(step));
  client.on('message', (topic, payload) => {
    if (topic !== `spBv1.0/STATE/${hostId}`) return;
    const state = JSON.parse(payload.toString()) as HostState;
    states.push(state);
    if (state.online === online) return;
    online = state.online;
    if (online)
      void serially(async () => {
        await births();
        for (const metric of stored.splice(0)) await publish('DDATA', [{ ...metric, isHistorical: true }], DEVICE);
      });
  });
  await client.subscribeAsync(`spBv1.0/STATE/${hostId}`, { qos: 1 });
  return {
    states,
    get online() {
      return online;
    },
    /** One reading, live while the host is online, stored while it is not. */
    record: (value: number) =>
      serially(async () => {
        const metric: UMetric = { alias: 1, type: 'Double', value, timestamp: T0 + value * 1000 };
        if (online) await publish('DDATA', [metric], DEVICE);
        else stored.push(metric);
      }),
    settled: () => chain,
  };
}

describe('Sparkplug primary host application against Mosquitto', () => {
  it('refuses a primaryHostId that is not one topic level, naming the field', () => {
    expect(() => sourceConfig({ clientId: 'gw', format: 'sparkplugb', sparkplug: { primaryHostId: 'site/1' } })).toThrow(/primaryHostId[\s\S]*one MQTT topic level/);
  });

  it('publishes STATE online after subscribing, so a storing edge node forwards its history in order, then offline when it goes (will or close)', async () => {
    const group = uniqueId('berlin');
    const hostId = uniqueId('host');
    const clientId = uniqueId('gw');
    const node = await storeAndForwardNode(await startPublisher(), group, hostId);
    for (const value of [1, 2, 3, 4, 5]) await node.record(value);
    expect(node.online).toBe(false);

    const config = sourceConfig({ clientId, format: 'sparkplugb', sparkplug: { groupIds: [group], assetPath: 'acme/{group}/{nodePath}/{device}', primaryHostId: hostId } });
    const stateDir = context(clientId).stateDir;
    const source = track(new MqttSource(config, context(clientId, stateDir)));
    await source.connect();
    await expect.poll(() => node.online, { timeout: 10_000, interval: 20 }).toBe(true);
    await node.settled();
    for (const value of [6, 7]) await node.record(value);

    const { readings } = await collect(source, (c) => c.readings.filter((r) => r.signal === 'bearing_temperature' && r.readingTime > T0).length >= 7);
    const temperatures = readings.filter((r) => r.signal === 'bearing_temperature' && r.readingTime > T0);
    expect(temperatures.map((r) => [r.value, r.isHistorical, r.readingTime])).toEqual([
      [1, true, T0 + 1000],
      [2, true, T0 + 2000],
      [3, true, T0 + 3000],
      [4, true, T0 + 4000],
      [5, true, T0 + 5000],
      [6, false, T0 + 6000],
      [7, false, T0 + 7000],
    ]);

    // The retained STATE a late edge node reads is this session's birth: JSON, online, with the session's timestamp.
    const late = await startPublisher();
    const retained = new Promise<{ payload: string; retain: boolean }>((resolve) =>
      late.once('message', (_topic, payload, packet) => resolve({ payload: payload.toString(), retain: packet.retain })),
    );
    await late.subscribeAsync(`spBv1.0/STATE/${hostId}`, { qos: 1 });
    const birth = await retained;
    expect(birth.retain).toBe(true);
    expect(JSON.parse(birth.payload)).toEqual({ online: true, timestamp: expect.any(Number) });

    // Another client overwrites the STATE with offline: the host, still connected, says online again.
    await late.publishAsync(`spBv1.0/STATE/${hostId}`, JSON.stringify({ online: false, timestamp: 1 }), { qos: 1, retain: true });
    await expect.poll(() => node.states.filter((state) => state.online).length, { timeout: 10_000, interval: 20 }).toBe(2);
    expect(node.online).toBe(true);

    // A dropped connection (a nacked batch drops it without DISCONNECT): the broker publishes the will, offline, same timestamp.
    await node.record(8);
    const batch = await source.read(AbortSignal.timeout(10_000));
    await batch.nack(new Error('buffer refused'));
    await expect.poll(() => node.online, { timeout: 10_000, interval: 20 }).toBe(false);
    const { timestamp } = JSON.parse(birth.payload) as HostState;
    expect(node.states.at(-1)).toEqual({ online: false, timestamp });
    for (const value of [9, 10]) await node.record(value);

    // Reconnected (the runtime's retry), the host says online again with a new timestamp; the node forwards 8's successors stored meanwhile.
    const again = track(new MqttSource(config, context(clientId, stateDir)));
    await again.connect();
    await expect.poll(() => node.online, { timeout: 10_000, interval: 20 }).toBe(true);
    const replay = await collect(again, (c) => c.readings.some((r) => r.value === 10));
    expect(replay.readings.filter((r) => r.signal === 'bearing_temperature' && r.isHistorical).map((r) => r.value)).toEqual([9, 10]);
    expect(node.states.at(-1)!.timestamp).toBeGreaterThan(timestamp);

    // A clean close says offline itself: MQTT suppresses the will on DISCONNECT.
    await again.close();
    await expect.poll(() => node.online, { timeout: 10_000, interval: 20 }).toBe(false);
  });
});
