import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AcknowledgeConditionCommand, GATEWAY_COMMANDS_TOPIC } from '@fieldmesh/connect';
import { gatewayConfigFor, prepareSecureOpcuaLink } from '@fieldmesh/deploy-local';
import { connectorCatalog, Gateway, gatewayConfigSchema } from '@fieldmesh/edge-gateway';
import { createKafka } from '@fieldmesh/kafka';
import { startSimulator, type SimulatorHandle } from '@fieldmesh/simulator';
import { findFreePort, REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readTelemetry, type TelemetryRecord, waitFor } from '../src/index';

const EVENTS_TOPIC = 'plant.telemetry.events.v1';

/**
 * OPC UA Alarms & Conditions end to end: the simulated plant's server raises a real exclusive limit alarm,
 * the gateway (SignAndEncrypt, as in the main job) publishes its events to plant.telemetry.events.v1, and an
 * operator's acknowledgement travels as the console writes it (a command on the gateway commands topic) to
 * the gateway, which calls Acknowledge on the server.
 */
describe('OPC UA alarm → plant.telemetry.events.v1 → acknowledgement back to the server', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const gatewayId = `gw-alarms-${Date.now().toString(36)}`;
  let gateway: Gateway;
  let simulator: SimulatorHandle;
  let raised: TelemetryRecord['value'] | undefined;
  const mine = (r: TelemetryRecord) => r.value.gatewayId === gatewayId && r.value.conditionName === 'bearing_temperature_high';
  const onCompressor = (r: TelemetryRecord) => String(r.value.assetPath).endsWith('/line-1/compressor-1');

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fm-alarms-'));
    const opcua = await prepareSecureOpcuaLink({
      gatewayId,
      gatewayPkiDir: join(dir, 'gateway', 'opcua-pki'),
      simulatorStateDir: join(dir, 'simulator'),
      secretsDir: join(dir, 'secrets'),
      port: await findFreePort(),
    });
    // A High limit below normal operation: the alarm goes active with the first reading.
    simulator = await startSimulator({
      seed: 5,
      plant: { linesPerSite: 1 },
      rate: 1,
      speed: 1,
      opcua: { ...opcua.server, alarms: { bearing_temperature: { high: 30, highHigh: 500 } } },
      stateDir: join(dir, 'simulator'),
    });
    // The main job's gateway (OPC UA over SignAndEncrypt only), with events and operator commands on.
    const base = gatewayConfigFor({ gatewayId, stateDir: join(dir, 'gateway'), kafkaBrokers: brokers, registryUrl, opcua: opcua.gateway });
    gateway = await Gateway.start(
      gatewayConfigSchema.parse({
        ...base,
        connectors: base.connectors.map((entry) => (entry.type === 'opcua' ? { ...entry, config: { ...entry.config, events: {} } } : entry)),
        commands: {},
      }),
      { root: REPO_ROOT, connectors: connectorCatalog, log: (line) => console.error('[gateway]', line) },
    );
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await simulator?.stop();
  });

  it("publishes the alarm going active with its severity, message and the alarmed signal's asset", async () => {
    const records = await readTelemetry({
      brokers,
      registryUrl,
      topic: EVENTS_TOPIC,
      timeoutMs: 60_000,
      until: (all) => all.some((r) => mine(r) && onCompressor(r) && r.value.active === true),
    });
    const record = records.find((r) => mine(r) && onCompressor(r) && r.value.active === true);
    if (!record) {
      const metrics = (await (await fetch(`${gateway.observabilityUrl}/metrics`)).text())
        .split('\n')
        .filter((line) => /events|connector_up|dead_letters|commands/.test(line) && !line.startsWith('#'));
      throw new Error(
        `no active compressor-1 alarm among ${records.length} events (${JSON.stringify(records.slice(0, 3).map((r) => r.value))}); gateway: ${JSON.stringify(gateway.health())}; ${metrics.join('; ')}`,
      );
    }
    raised = record.value;
    expect(record?.key).toBe(raised?.sourceNode);
    expect(raised).toMatchObject({
      eventType: 'ExclusiveLimitAlarmType',
      connector: 'plant-opcua',
      signal: 'bearing_temperature',
      sourceNode: expect.stringMatching(/compressor-1\.bearing_temperature$/),
      conditionId: expect.stringMatching(/compressor-1\.bearing_temperature_high$/),
      active: true,
      acked: false,
      sourceProtocol: 'OPC_UA',
    });
    expect(raised?.severity).toBeGreaterThan(0);
    expect(String(raised?.message)).toMatch(/High/);
    expect(simulator.opcuaAlarm('line-1/compressor-1', 'bearing_temperature')).toMatchObject({ active: true, acked: false });
  }, 90_000);

  it("carries an operator's acknowledgement to the server (AckedState true, comment recorded) and publishes the acked condition", async () => {
    expect(raised).toBeDefined();
    const command: AcknowledgeConditionCommand = {
      type: 'acknowledge-condition',
      commandId: randomUUID(),
      gatewayId,
      connector: String(raised!.connector),
      conditionId: String(raised!.conditionId),
      eventId: String(raised!.eventId),
      comment: 'bearing inspected, lubrication scheduled',
      requestedBy: 'alice',
      requestedAt: new Date().toISOString(),
    };
    const producer = createKafka({ clientId: 'e2e-console', brokers: [brokers] }).producer();
    await producer.connect();
    await producer.send([{ topic: GATEWAY_COMMANDS_TOPIC, key: gatewayId, value: Buffer.from(JSON.stringify(command)) }]);
    await producer.disconnect();

    await waitFor('the server to record the acknowledgement', () => simulator.opcuaAlarm('line-1/compressor-1', 'bearing_temperature')?.acked === true, 30_000);
    expect(simulator.opcuaAlarm('line-1/compressor-1', 'bearing_temperature')?.comment).toBe('bearing inspected, lubrication scheduled (alice)');
    const records = await readTelemetry({
      brokers,
      registryUrl,
      topic: EVENTS_TOPIC,
      timeoutMs: 30_000,
      until: (all) => all.some((r) => mine(r) && onCompressor(r) && r.value.acked === true),
    });
    expect(records.find((r) => mine(r) && onCompressor(r) && r.value.acked === true)?.value).toMatchObject({
      active: true,
      comment: 'bearing inspected, lubrication scheduled (alice)',
    });
  }, 60_000);
});
