import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiagnosticCommand, GatewayAnswer, GatewayHeartbeat, GatewayReply } from '@fieldmesh/connect';
import { createKafka, type KafkaPort, readTopicToEnd } from '@fieldmesh/kafka';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayConfigSchema } from '../src/config/gateway.config';
import { connectorCatalog } from '../src/connectors.catalog';
import { Gateway } from '../src/gateway';

/**
 * Remote diagnostics end to end on the stack's Kafka (SASL_SSL) and Mosquitto: commands as the console writes
 * them reach a running gateway over its commands topic, and its answers and heartbeats come back on its
 * replies topic. Topics of this run's own, so other tests' gateways do not answer.
 */
describe('gateway diagnostics over Kafka', () => {
  const run = randomUUID().slice(0, 8);
  const gatewayId = `gw-diag-${run}`;
  const topics = { commands: `_fieldmesh.gateway-commands.test-${run}`, replies: `_fieldmesh.gateway-replies.test-${run}` };
  const password = inject('kafkaSaslPassword');
  let dir: string;
  let gateway: Gateway;
  let kafka: KafkaPort;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fm-diagnostics-'));
    const security = { protocol: 'SASL_SSL', caFile: inject('kafkaCaFile'), sasl: { mechanism: 'SCRAM-SHA-512', username: inject('kafkaSaslUsername'), password } } as const;
    kafka = createKafka({ clientId: 'diagnostics-test', brokers: [inject('kafkaBrokers')], security });
    gateway = await Gateway.start(
      gatewayConfigSchema.parse({
        gatewayId,
        stateDir: join(dir, 'state'),
        kafka: { brokers: [inject('kafkaBrokers')], security },
        registryUrl: inject('registryUrl'),
        connectors: [
          {
            name: 'plant-mqtt',
            type: 'mqtt',
            config: { url: inject('mqttUrl'), clientId: `${gatewayId}-mqtt`, format: 'json', mappings: [{ topic: `diag-${run}/+asset/+signal`, assetPath: `acme/diag/{asset}` }] },
          },
        ],
        commands: { topic: topics.commands, repliesTopic: topics.replies, heartbeatSeconds: 1 },
        observability: { port: 0 },
      }),
      { root: REPO_ROOT, connectors: connectorCatalog, log: () => undefined },
    );
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const replies = async () => (await readTopicToEnd(kafka, topics.replies)).map((record) => JSON.parse(record.value!.toString()) as GatewayReply);

  it('sends a heartbeat with its state, connectors and buffer every heartbeatSeconds', async () => {
    let beats: GatewayHeartbeat[] = [];
    await expect
      .poll(async () => (beats = (await replies()).filter((r): r is GatewayHeartbeat => r.kind === 'heartbeat' && r.connectors['plant-mqtt'] === true)).length, {
        timeout: 30_000,
        interval: 500,
      })
      .toBeGreaterThanOrEqual(2);
    expect(beats[0]).toMatchObject({ gatewayId, intervalSeconds: 1, buffer: { segments: expect.any(Number), pendingRecords: expect.any(Number) } });
    expect(['ok', 'degraded']).toContain(beats[0]!.state);
  }, 45_000);

  it("answers each diagnostic naming the command and its operator, never leaking the config's secrets, and reconnects a connector", async () => {
    const asked = (type: DiagnosticCommand['type'], extra: Record<string, unknown> = {}) => ({
      type,
      commandId: randomUUID(),
      gatewayId,
      requestedBy: 'olga-operator',
      requestedAt: new Date().toISOString(),
      ...extra,
    });
    const commands = [
      asked('health'),
      asked('metrics-snapshot'),
      asked('log-tail', { lines: 10 }),
      asked('effective-config'),
      asked('buffer-state'),
      asked('reconnect-connector', { connector: 'plant-mqtt' }),
    ];
    const producer = kafka.producer();
    await producer.connect();
    await producer.send(commands.map((command) => ({ topic: topics.commands, key: gatewayId, value: Buffer.from(JSON.stringify(command)) })));
    await producer.disconnect();

    let answers: GatewayAnswer[] = [];
    await expect
      .poll(async () => (answers = (await replies()).filter((r): r is GatewayAnswer => r.kind === 'answer')).length, { timeout: 30_000, interval: 500 })
      .toBe(commands.length);
    const byId = new Map(answers.map((answer) => [answer.commandId, answer]));
    for (const command of commands)
      expect(byId.get(command.commandId), command.type).toMatchObject({ type: command.type, requestedBy: 'olga-operator', gatewayId, outcome: 'done' });
    expect(byId.get(commands[0]!.commandId)!.answer).toMatchObject({ gatewayId, connectors: { 'plant-mqtt': expect.any(Boolean) } });
    expect((byId.get(commands[1]!.commandId)!.answer as { text: string }).text).toContain('fieldmesh_gateway_buffer_bytes');
    expect(byId.get(commands[3]!.commandId)!.answer).toMatchObject({ gatewayId, kafka: { security: { sasl: { password: '[redacted]' } } } });
    expect(JSON.stringify(await readTopicToEnd(kafka, topics.replies).then((records) => records.map((r) => r.value!.toString())))).not.toContain(password);
    await expect
      .poll(async () => (await fetch(`${gateway.observabilityUrl}/metrics`)).text(), { timeout: 15_000 })
      .toMatch(/fieldmesh_gateway_connector_reconnects_total\{connector="plant-mqtt"\} 1/);
    await expect.poll(() => gateway.health().connectors, { timeout: 15_000 }).toEqual({ 'plant-mqtt': true });
  }, 60_000);
});
