import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NotConnected } from '@fieldmesh/connect';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttSource } from '../src/source';
import { closeOpened, collect, context, sourceConfig, startPublisher, track, uniqueId } from './broker';

afterEach(closeOpened);

function jsonSource(enterprise: string, clientId: string, protocolVersion: 4 | 5 = 5): MqttSource {
  const source = new MqttSource(
    sourceConfig({
      clientId,
      protocolVersion,
      format: 'json',
      mappings: [{ topic: `${enterprise}/+site/+area/+line/+asset/+signal`, assetPath: `${enterprise}/{site}/{area}/{line}/{asset}`, deviceId: '{asset}' }],
    }),
    context(clientId),
  );
  track(source);
  return source;
}

const payload = (value: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ timestamp_ms: 1_795_000_000_000, value, unit: 'Cel', quality: 'GOOD', ...extra });

describe('MQTT JSON source against Mosquitto', () => {
  it('maps plant topics to asset path and signal, keeps the operator badge personal, and dead-letters bad payloads without stopping', async () => {
    const enterprise = uniqueId('acme');
    const source = jsonSource(enterprise, uniqueId('gw'));
    await source.connect();
    const plant = await startPublisher();
    const base = `${enterprise}/berlin/press-shop/line-1/compressor-1`;
    await plant.publishAsync(`${base}/bearing_temperature`, payload(61.5, { operator: 'badge-4711' }), { qos: 1 });
    await plant.publishAsync(`${base}/vibration_rms`, '{"value": ', { qos: 1 });
    await plant.publishAsync(`${base}/flow`, JSON.stringify({ value: 'high', timestamp_ms: 'yesterday' }), { qos: 1 });
    await plant.publishAsync(`${base}/power`, JSON.stringify({ unit: 'kW' }), { qos: 1 });
    await plant.publishAsync(`${base}/state`, payload('RUNNING', { unit: undefined }), { qos: 1 });

    const { readings, rejects } = await collect(source, (c) => c.readings.length + c.rejects.length >= 5);

    expect(readings).toEqual([
      expect.objectContaining({
        assetPath: `${enterprise}/berlin/press-shop/line-1/compressor-1`,
        deviceId: 'compressor-1',
        signal: 'bearing_temperature',
        value: 61.5,
        unit: 'Cel',
        quality: 'GOOD',
        readingTime: 1_795_000_000_000,
        sourceProtocol: 'MQTT_JSON',
        sourceAddress: `${base}/bearing_temperature`,
        personal: { operatorBadge: 'badge-4711' },
      }),
      expect.objectContaining({ signal: 'state', value: 'RUNNING' }),
    ]);
    expect(JSON.stringify(readings[0]!.attributes)).not.toContain('badge-4711');
    expect(rejects.map((r) => [r.sourceAddress, r.errorClass])).toEqual([
      [`${base}/vibration_rms`, 'PayloadNotJson'],
      [`${base}/flow`, 'WrongFieldType'],
      [`${base}/power`, 'MissingValue'],
    ]);
    expect(rejects[1]!.reason).toContain('timestamp_ms');
    expect(source.metrics()).toMatchObject({ messagesIn: 5, readingsOut: 2, rejectsByErrorClass: { PayloadNotJson: 1, WrongFieldType: 1, MissingValue: 1 } });
  });

  it.each([4, 5] as const)('delivers QoS 1 readings published while the gateway was stopped once it restarts (MQTT protocol %i, persistent session)', async (protocolVersion) => {
    const enterprise = uniqueId('acme');
    const clientId = uniqueId('gw');
    const first = jsonSource(enterprise, clientId, protocolVersion);
    await first.connect(); // creates the session and its subscription
    await first.close();

    const plant = await startPublisher();
    for (let i = 0; i < 20; i++) await plant.publishAsync(`${enterprise}/berlin/press-shop/line-1/pump-1/flow`, payload(i), { qos: 1 });

    const restarted = jsonSource(enterprise, clientId, protocolVersion);
    await restarted.connect();
    const { readings } = await collect(restarted, (c) => c.readings.length >= 20);
    expect(readings.map((r) => r.value)).toEqual([...Array(20).keys()]);
  });

  it('a nacked batch makes read throw NotConnected and comes again after the runtime reconnects', async () => {
    const enterprise = uniqueId('acme');
    const source = jsonSource(enterprise, uniqueId('gw'));
    await source.connect();
    const plant = await startPublisher();
    for (let i = 0; i < 3; i++) await plant.publishAsync(`${enterprise}/berlin/press-shop/line-1/conveyor-1/power`, payload(i), { qos: 1 });
    const signal = AbortSignal.timeout(10_000);
    const batches = [];
    let received = 0;
    while (received < 3) {
      const batch = await source.read(signal);
      batches.push(batch);
      received += batch.readings.length;
    }
    await batches[0]!.nack(new Error('disk buffer full'));
    await expect(source.read(signal)).rejects.toBeInstanceOf(NotConnected);

    await source.connect();
    const { readings } = await collect(source, (c) => c.readings.length >= 3);
    expect(readings.map((r) => r.value)).toEqual([0, 1, 2]);
    expect(source.metrics().batchesNacked).toBe(1);
  });
});

describe('MQTT JSON source and a gateway killed with kill -9', () => {
  it('gets every reading the killed process had read but not acked from the broker again', async () => {
    const enterprise = uniqueId('acme');
    const clientId = uniqueId('gw');
    const config = sourceConfig({
      clientId,
      format: 'json',
      mappings: [{ topic: `${enterprise}/+site/+area/+line/+asset/+signal`, assetPath: `${enterprise}/{site}/{area}/{line}/{asset}` }],
    });
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./crash-reader.ts', import.meta.url)), JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    track({ close: async () => void child.kill('SIGKILL') });
    let output = '';
    const printed = (line: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = () => line.test(output) && resolve();
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          check();
        });
        child.once('exit', () => reject(new Error(`crash-reader exited before printing ${line}; it printed: ${output}`)));
        check();
      });
    await printed(/SUBSCRIBED/);
    const plant = await startPublisher();
    for (let i = 0; i < 10; i++) await plant.publishAsync(`${enterprise}/berlin/press-shop/line-1/pump-1/flow`, payload(i), { qos: 1 });
    const heldAll = printed(/HELD 10\n/);
    await heldAll;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const restarted = new MqttSource(config, context(clientId));
    track(restarted);
    await restarted.connect();
    const { readings } = await collect(restarted, (c) => c.readings.length >= 10);
    expect(readings.map((r) => r.value)).toEqual([...Array(10).keys()]);
  });
});
