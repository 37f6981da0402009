import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotConnected } from '@fieldmesh/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaSource, parseOpcuaSourceConfig } from '../src/index';
import { PlantTestServer } from './fixtures/plant-test-server';
import { readLikeTheRuntime, readUntil, recordingLog } from './fixtures/source.harness';

const dir = mkdtempSync(join(tmpdir(), 'opcua-resilience-'));
let plant: PlantTestServer;
const open: OpcuaSource[] = [];

function source(config: Record<string, unknown>, log = recordingLog()) {
  // Data behaviour over an unsecured channel; security is security.test.ts's.
  const parsed = parseOpcuaSourceConfig({
    endpointUrl: plant.endpointUrl,
    securityMode: 'None',
    securityPolicy: 'None',
    allowSecurityNone: true,
    subscription: { publishingInterval: 100, samplingInterval: 0 },
    ...config,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const created = new OpcuaSource(parsed.value, { instanceName: 'opcua-test', stateDir: join(dir, 'client') }, log);
  open.push(created);
  return created;
}

const compressor = 'acme/berlin/press-shop/line-1/compressor-1';
const pump = 'acme/berlin/press-shop/line-1/pump-1';
const node = (asset: string, assetPath: string, signal: string) => ({ nodeId: PlantTestServer.nodeId(asset, signal), assetPath, signal });

beforeAll(async () => {
  plant = await PlantTestServer.start({ pkiDir: join(dir, 'server-pki') });
});

afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await plant?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('deadbands', () => {
  it('reports only changes larger than an absolute deadband the server accepts', async () => {
    const opcua = source({ nodes: [node('compressor-1', compressor, 'bearing_temperature')], deadband: { type: 'absolute', value: 1 } });
    await opcua.connect();
    await readUntil(opcua, (r) => r.some((x) => x.value === 60));
    for (const value of [60.2, 60.4, 60.6, 60.8]) plant.setValue('compressor-1', 'bearing_temperature', value);
    plant.setValue('compressor-1', 'bearing_temperature', 62);
    const readings = await readUntil(opcua, (r) => r.some((x) => x.value === 62));
    // Notifications arrive in order, so any sub-deadband change would have come before 62.
    expect(readings.map((r) => r.value)).toEqual([62]);
    expect(opcua.metrics().deadbandFallbacks).toBe(0);
  });

  it('falls back to no filter when the server rejects a percent deadband, warns naming the node and the fix, and counts it', async () => {
    const log = recordingLog();
    const opcua = source(
      {
        nodes: [node('pump-1', pump, 'load'), node('pump-1', pump, 'flow'), node('compressor-1', compressor, 'state')],
        deadband: { type: 'percent', value: 10 },
      },
      log,
    );
    await opcua.connect();
    // flow has an EURange (percent accepted); load has none (rejected); state is text (no deadband asked).
    expect(opcua.metrics()).toMatchObject({ deadbandFallbacks: 1, itemsMonitored: 3, itemsFailed: 0 });
    const deadbandWarnings = log.warnings.filter((w) => w.message.includes('deadband'));
    expect(deadbandWarnings).toHaveLength(1);
    expect(deadbandWarnings[0]?.message).toMatch(
      /rejected the percent deadband on ns=1;s=berlin\.line-1\.pump-1\.load \(BadMonitoredItemFilterUnsupported\).*Fix: give the variable an EURange/,
    );
    await readUntil(opcua, (r) => r.some((x) => x.signal === 'load'));
    plant.setValue('pump-1', 'load', 50.5);
    plant.setValue('pump-1', 'flow', 40.5); // 0.5 % of the 0..100 m3/h range: inside the deadband
    plant.setValue('pump-1', 'load', 51);
    const readings = await readUntil(opcua, (r) => r.some((x) => x.value === 51));
    expect(readings.filter((r) => r.signal === 'load').map((r) => r.value)).toEqual([50.5, 51]);
    expect(readings.some((r) => r.signal === 'flow')).toBe(false);
  });
});

describe('server restart', () => {
  it('re-creates session, subscription and monitored items after the server restarts, without operator action', async () => {
    const opcua = source({ nodes: [node('compressor-1', compressor, 'discharge_pressure')] });
    await opcua.connect();
    await readUntil(opcua, (r) => r.length > 0);
    plant.setValue('compressor-1', 'discharge_pressure', 7.6);
    const losses: Error[] = [];
    const restarted = plant.restart(1_000);
    const readings = await readLikeTheRuntime(opcua, (r) => r.some((x) => x.value === 7.5) && losses.length > 0, { onNotConnected: (e) => losses.push(e) });
    await restarted;
    // Before the loss: 7.6; after the restart the fresh server's initial value 7.5 arrives through the new subscription.
    expect(readings.map((r) => r.value)).toContain(7.6);
    expect(losses[0]).toBeInstanceOf(NotConnected);
    expect(opcua.metrics().reconnects).toBe(1);
    plant.setValue('compressor-1', 'discharge_pressure', 8.1);
    const after = await readUntil(opcua, (r) => r.some((x) => x.value === 8.1));
    expect(after.at(-1)).toMatchObject({ value: 8.1, quality: 'GOOD', signal: 'discharge_pressure' });
  });
});

describe('delivery to the gateway', () => {
  it('redelivers a nacked batch before newer readings', async () => {
    const opcua = source({ nodes: [node('pump-1', pump, 'flow')] });
    await opcua.connect();
    await readUntil(opcua, (r) => r.length > 0);
    plant.setValue('pump-1', 'flow', 41);
    const first = await opcua.read(AbortSignal.timeout(10_000));
    expect(first.readings.map((r) => r.value)).toEqual([41]);
    await first.nack(new Error('kafka and disk buffer unavailable'));
    plant.setValue('pump-1', 'flow', 42);
    const readings = await readUntil(opcua, (r) => r.some((x) => x.value === 42));
    expect(readings.map((r) => r.value)).toEqual([41, 42]);
  });

  it('drops the oldest readings beyond maxBufferedReadings, counts them and warns once', async () => {
    const log = recordingLog();
    const opcua = source({ nodes: [node('pump-1', pump, 'flow')], maxBufferedReadings: 2 }, log);
    await opcua.connect();
    await readUntil(opcua, (r) => r.length > 0);
    for (const value of [43, 44, 45, 46, 47]) {
      plant.setValue('pump-1', 'flow', value);
      await new Promise((resolve) => setTimeout(resolve, 150)); // one publish each, so the server queue does not merge them
    }
    const readings = await readUntil(opcua, (r) => r.some((x) => x.value === 47));
    expect(readings.map((r) => r.value)).toEqual([46, 47]);
    expect(opcua.metrics().readingsDropped).toBe(3);
    expect(log.warnings.filter((w) => w.message.includes('maxBufferedReadings'))).toHaveLength(1);
  });
});
