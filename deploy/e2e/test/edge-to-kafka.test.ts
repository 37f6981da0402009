import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockSequenceBase, connectorCatalog, Gateway } from '@fieldmesh/edge-gateway';
import { startSimulator, type SimulatorHandle } from '@fieldmesh/simulator';
import { findFreePort, REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayConfigFor, prepareSecureOpcuaLink } from '@fieldmesh/deploy-local';
import { connectorUp, readTelemetry, waitFor, type TelemetryRecord } from '../src/index';

const topic = 'plant.telemetry.raw.v1';

describe('simulated plant → Mosquitto and OPC UA → gateway → Kafka', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const gatewayId = `gw-e2e-${Date.now().toString(36)}`;
  let gateway: Gateway;
  let simulator: SimulatorHandle;
  let records: TelemetryRecord[];
  let published: Record<string, number>;
  const startedMs = Date.now();

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fm-e2e-'));
    const opcua = await prepareSecureOpcuaLink({
      gatewayId,
      gatewayPkiDir: join(dir, 'gateway', 'opcua-pki'),
      simulatorStateDir: join(dir, 'simulator'),
      secretsDir: join(dir, 'secrets'),
      port: await findFreePort(),
    });
    gateway = await Gateway.start(
      gatewayConfigFor({
        gatewayId,
        stateDir: join(dir, 'gateway'),
        kafkaBrokers: brokers,
        registryUrl,
        mqttUrl: inject('mqttUrl'),
        opcua: opcua.gateway,
      }),
      { root: REPO_ROOT, connectors: connectorCatalog, log: (l) => console.error('[gateway]', l) },
    );
    // Subscribed before the plant publishes, so every MQTT reading has a session to land in.
    await waitFor(
      'the MQTT connectors',
      async () => (await connectorUp(gateway.observabilityUrl, 'plant-json')) && (await connectorUp(gateway.observabilityUrl, 'plant-sparkplug')),
      30_000,
    );
    simulator = await startSimulator({
      seed: 11,
      plant: { linesPerSite: 1 },
      rate: 1,
      speed: 1,
      durationSeconds: 10,
      mqtt: { url: inject('mqttUrl'), clientIdPrefix: `sim-${gatewayId}` },
      json: true,
      sparkplug: true,
      opcua: opcua.server,
      stateDir: join(dir, 'simulator'),
    });
    await waitFor('the OPC UA connector', () => connectorUp(gateway.observabilityUrl, 'plant-opcua'), 60_000);
    // Malformed payloads in the middle of the stream: each must reach the DLQ, and the readings after them still arrive.
    for (const kind of ['bad-json', 'wrong-type', 'out-of-range', 'oversized', 'unknown-alias'] as const) await simulator.injectBadInput({ kind, asset: 'line-1/compressor-1' });
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
          return (
            own.filter((r) => r.value.sourceProtocol === 'MQTT_JSON').length >= published['mqtt-json']! &&
            own.filter((r) => r.value.sourceProtocol === 'SPARKPLUG_B').length >= published.sparkplug!
          );
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

  it('numbers readings from its start on a new state folder, so a gateway that lost its disk repeats no number of its earlier life', () => {
    const lowest = Math.min(...records.map((r) => Number(r.value.sequenceNumber)));
    expect(lowest).toBeGreaterThanOrEqual(clockSequenceBase(startedMs));
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
    expect(temperature?.value).toMatchObject({
      unit: 'Cel',
      deviceId: expect.any(String),
      sourceAddress: expect.stringMatching(/^acme\/berlin\/press-shop\/line-1\/[a-z]+-1\/bearing_temperature$/),
    });
  });

  it('sends every malformed payload to the dead-letter topic with the reason, and keeps going', async () => {
    const dead = (
      await readTelemetry({
        brokers,
        registryUrl,
        topic: `${topic}.dlq`,
        decode: false,
        timeoutMs: 30_000,
        until: (all) => all.filter((r) => r.headers['fieldmesh.gateway'] === gatewayId).length >= 5,
      })
    ).filter((r) => r.headers['fieldmesh.gateway'] === gatewayId);
    const reasons = Object.fromEntries(dead.map((r) => [r.headers['__fieldmesh.errors.exception.class.name'], r.headers['__fieldmesh.errors.exception.message']]));
    expect(Object.keys(reasons).sort()).toEqual(['PayloadNotJson', 'PayloadTooLarge', 'ReadingInvalid', 'UnknownSparkplugAlias', 'WrongFieldType']);
    expect(reasons.ReadingInvalid).toMatch(/bearing-temperature-plausible|vibration-rms-plausible|plausible: value must be <=/);
    for (const record of dead) {
      expect(record.headers).toMatchObject({
        '__fieldmesh.errors.stage': expect.stringMatching(/^(source:plant-(json|sparkplug)|validate)$/),
        '__fieldmesh.errors.topic': expect.stringMatching(/^(acme|spBv1\.0)\//),
      });
    }
    // The stream went on: every reading published after the bad ones arrived (checked exactly above).
    expect(simulator.stats().badInputs).toBe(5);
  });

  it('never puts an operator badge on Kafka in clear', async () => {
    const badges = records.filter((r) => r.value.signal === 'state' && r.value.sourceProtocol === 'MQTT_JSON').map((r) => r.value.operatorBadge);
    expect(badges.length).toBeGreaterThan(0);
    for (const badge of badges) expect(badge).toMatch(/^ps_[A-Za-z0-9_-]{32}$/);
    const raw = await readTelemetry({ brokers, registryUrl, topic, decode: false, timeoutMs: 30_000, until: (all) => all.length >= records.length });
    const dlq = await readTelemetry({ brokers, registryUrl, topic: `${topic}.dlq`, decode: false, timeoutMs: 5_000, until: () => false });
    const clearBadge = /B-\d{4}/;
    for (const record of [...raw, ...dlq]) expect(clearBadge.test((record.value.raw as Buffer).toString('latin1'))).toBe(false);
  });

  it('reports where every message went', () => {
    const counts = gateway.stats();
    expect(counts.received).toBe(counts.accepted + counts.deadLettered + counts.duplicates);
    expect(counts.dropped).toBe(0);
  });
});
