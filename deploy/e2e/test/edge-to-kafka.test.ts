import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorCatalog, Gateway } from '@fieldmesh/edge-gateway';
import { startSimulator, type SimulatorHandle } from '@fieldmesh/simulator';
import { findFreePort, REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayConfigFor, readTelemetry, type TelemetryRecord } from '../src/index';
import { connectorUp, waitFor } from './support/wait';

const topic = 'plant.telemetry.raw.v1';

describe('simulated plant → Mosquitto and OPC UA → gateway → Kafka', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const gatewayId = `gw-e2e-${Date.now().toString(36)}`;
  let gateway: Gateway;
  let simulator: SimulatorHandle;
  let records: TelemetryRecord[];
  let published: Record<string, number>;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fm-e2e-'));
    const opcuaPort = await findFreePort();
    gateway = await Gateway.start(
      gatewayConfigFor({ gatewayId, stateDir: join(dir, 'gateway'), kafkaBrokers: brokers, registryUrl, mqttUrl: inject('mqttUrl'), opcuaEndpoint: `opc.tcp://127.0.0.1:${opcuaPort}` }),
      { root: REPO_ROOT, connectors: connectorCatalog, log: (l) => console.error('[gateway]', l) },
    );
    // Subscribed before the plant publishes, so every MQTT reading has a session to land in.
    await waitFor('the MQTT connectors', async () => (await connectorUp(gateway.observabilityUrl, 'plant-json')) && (await connectorUp(gateway.observabilityUrl, 'plant-sparkplug')), 30_000);
    simulator = await startSimulator({
      seed: 11,
      plant: { linesPerSite: 1 },
      rate: 1,
      speed: 1,
      durationSeconds: 10,
      mqtt: { url: inject('mqttUrl'), clientIdPrefix: `sim-${gatewayId}` },
      json: true,
      sparkplug: true,
      opcua: { port: opcuaPort },
      stateDir: join(dir, 'simulator'),
    });
    await waitFor('the OPC UA connector', () => connectorUp(gateway.observabilityUrl, 'plant-opcua'), 60_000);
    await simulator.done;
    published = simulator.stats().published;
    const mine = (r: TelemetryRecord) => r.value.gatewayId === gatewayId;
    records = (
      await readTelemetry({
        brokers,
        registryUrl,
        topic,
        timeoutMs: 60_000,
        until: (all) => {
          const own = all.filter(mine);
          return own.filter((r) => r.value.sourceProtocol === 'MQTT_JSON').length >= published['mqtt-json']! && own.filter((r) => r.value.sourceProtocol === 'SPARKPLUG_B').length >= published.sparkplug!;
        },
      })
    ).filter(mine);
  }, 180_000);

  afterAll(async () => {
    await simulator?.stop();
    await gateway?.close();
  });

  it('delivers every MQTT JSON and Sparkplug reading exactly once', () => {
    const json = records.filter((r) => r.value.sourceProtocol === 'MQTT_JSON');
    const sparkplug = records.filter((r) => r.value.sourceProtocol === 'SPARKPLUG_B');
    expect(published['mqtt-json']).toBeGreaterThan(100);
    expect(json).toHaveLength(published['mqtt-json']!);
    expect(sparkplug).toHaveLength(published.sparkplug!);
    const identities = records.map((r) => `${r.value.gatewayId}/${r.value.sequenceNumber}`);
    expect(new Set(identities).size).toBe(records.length);
  });

  it('delivers OPC UA readings for every asset of the plant', () => {
    const opcua = records.filter((r) => r.value.sourceProtocol === 'OPC_UA');
    expect(new Set(opcua.map((r) => r.value.assetPath))).toEqual(new Set(simulator.plant.assets.map((a) => a.path)));
  });

  it('gives each reading its asset context, unit and quality, keyed by asset', () => {
    const assets = new Set(simulator.plant.assets.map((a) => a.path));
    for (const record of records) {
      expect(assets.has(record.value.assetPath as string)).toBe(true);
      expect(record.key).toBe(record.value.assetPath);
      expect(record.value.unit).toEqual(expect.any(String));
      expect(['GOOD', 'UNCERTAIN', 'BAD']).toContain(record.value.quality);
    }
    const temperature = records.find((r) => r.value.signal === 'bearing_temperature' && r.value.sourceProtocol === 'MQTT_JSON');
    expect(temperature?.value).toMatchObject({ unit: 'Cel', deviceId: expect.any(String), sourceAddress: expect.stringMatching(/^acme\/berlin\/press-shop\/line-1\/[a-z]+-1\/bearing_temperature$/) });
  });

  it('reports where every message went', () => {
    const counts = gateway.stats();
    expect(counts.received).toBe(counts.accepted + counts.deadLettered);
    expect(counts.dropped).toBe(0);
  });
});
