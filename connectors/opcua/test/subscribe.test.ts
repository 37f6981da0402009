import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusCodes } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaSource, parseOpcuaSourceConfig } from '../src/index';
import { PlantTestServer } from './fixtures/plant-test-server';
import { readUntil, recordingLog } from './fixtures/source.harness';

const dir = mkdtempSync(join(tmpdir(), 'opcua-subscribe-'));
let plant: PlantTestServer;
const open: OpcuaSource[] = [];

function source(config: Record<string, unknown>, log = recordingLog()) {
  // Data behaviour over an unsecured channel; security is security.test.ts's.
  const parsed = parseOpcuaSourceConfig({
    endpointUrl: plant.endpointUrl,
    securityMode: 'None',
    securityPolicy: 'None',
    allowSecurityNone: true,
    ...config,
    subscription: { publishingInterval: 100, samplingInterval: 0, ...(config.subscription as object) },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const created = new OpcuaSource(parsed.value, { instanceName: 'opcua-test', stateDir: join(dir, 'client') }, log);
  open.push(created);
  return created;
}

const compressor = 'acme/berlin/press-shop/line-1/compressor-1';
const bearingNode = { nodeId: PlantTestServer.nodeId('compressor-1', 'bearing_temperature'), assetPath: compressor, signal: 'bearing_temperature' };

beforeAll(async () => {
  plant = await PlantTestServer.start({ pkiDir: join(dir, 'server-pki') });
});

afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await plant?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('OPC UA source against a node-opcua server', () => {
  it('delivers data changes with UCUM units from EngineeringUnits, quality from status codes and source timestamps', async () => {
    const opcua = source({
      nodes: [
        bearingNode,
        { nodeId: PlantTestServer.nodeId('compressor-1', 'vibration_rms'), assetPath: compressor, signal: 'vibration_rms' },
        { nodeId: PlantTestServer.nodeId('compressor-1', 'state'), assetPath: compressor, signal: 'state' },
      ],
    });
    await opcua.connect();
    const initial = await readUntil(opcua, (r) => new Set(r.map((x) => x.signal)).size === 3);
    expect(initial.find((r) => r.signal === 'bearing_temperature')).toMatchObject({
      value: 60,
      unit: 'Cel',
      quality: 'GOOD',
      qualityCode: 0,
      deviceId: PlantTestServer.applicationUri,
      sourceProtocol: 'OPC_UA',
    });
    expect(initial.find((r) => r.signal === 'vibration_rms')).toMatchObject({ value: 2.5, unit: 'mm/s', attributes: { 'opcua.euRange': '0..50' } });
    expect(initial.find((r) => r.signal === 'state')).toMatchObject({ value: 'RUNNING', quality: 'GOOD' });
    expect(initial.find((r) => r.signal === 'state')?.unit).toBeUndefined();

    const stuckAt = new Date(Date.now() - 5_000);
    plant.setValue('compressor-1', 'bearing_temperature', 61.5, StatusCodes.UncertainLastUsableValue, stuckAt);
    plant.setValue('compressor-1', 'vibration_rms', 0, StatusCodes.BadSensorFailure);
    const changed = await readUntil(opcua, (r) => r.some((x) => x.value === 61.5) && r.some((x) => x.quality === 'BAD'));
    expect(changed.find((r) => r.value === 61.5)).toMatchObject({
      quality: 'UNCERTAIN',
      qualityCode: StatusCodes.UncertainLastUsableValue.value,
      readingTime: stuckAt.getTime(),
      attributes: { 'opcua.status': 'UncertainLastUsableValue', 'opcua.dataType': 'Double' },
    });
    expect(changed.find((r) => r.quality === 'BAD')).toMatchObject({ signal: 'vibration_rms', qualityCode: StatusCodes.BadSensorFailure.value });
    expect(opcua.metrics()).toMatchObject({ itemsMonitored: 3, itemsFailed: 0, reconnects: 0 });
    expect(opcua.metrics().dataChangesIn).toBeGreaterThanOrEqual(5);
    expect(opcua.metrics().readingsOut).toBe(opcua.metrics().dataChangesIn);
  });

  it("lets a configured unit override the server's EngineeringUnits", async () => {
    const opcua = source({ nodes: [{ ...bearingNode, unit: 'K' }] });
    await opcua.connect();
    const [first] = await readUntil(opcua, (r) => r.length > 0);
    expect(first?.unit).toBe('K');
  });

  it('browses Objects/<site>/<line>/<asset>/<signal> within the depth limit and reads AssetPath where the asset has one', async () => {
    const log = recordingLog();
    const opcua = source({ browse: { levels: ['site', 'line', 'asset'], maxDepth: 4, assetPathTemplate: 'acme/{site}/press-shop/{line}/{asset}' } }, log);
    await opcua.connect();
    const readings = await readUntil(opcua, (r) => new Set(r.map((x) => x.sourceAddress)).size === 6);
    const found = Object.fromEntries(readings.map((r) => [`${r.assetPath}|${r.signal}`, r.unit ?? null]));
    expect(found).toEqual({
      [`${compressor}|bearing_temperature`]: 'Cel',
      [`${compressor}|vibration_rms`]: 'mm/s',
      [`${compressor}|discharge_pressure`]: 'bar',
      [`${compressor}|state`]: null,
      'acme/berlin/press-shop/line-1/pump-1|flow': 'm3/h',
      'acme/berlin/press-shop/line-1/pump-1|load': null,
    });
    // diagnostics/uptime sits five levels deep: beyond maxDepth, and not at the signal level either.
    expect(readings.some((r) => r.sourceAddress.includes('uptime'))).toBe(false);
  });

  it('finds nothing, and says where to look, when the depth limit stops above the signals', async () => {
    const log = recordingLog();
    const opcua = source({ browse: { maxDepth: 3 } }, log);
    await opcua.connect();
    expect(opcua.metrics().itemsMonitored).toBe(0);
    expect(log.warnings.map((w) => w.message)).toContainEqual(
      expect.stringContaining('browse found no signal variables; check browse.rootNodeId, browse.levels and browse.maxDepth'),
    );
  });
});
