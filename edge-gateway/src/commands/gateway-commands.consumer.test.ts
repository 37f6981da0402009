import { randomUUID } from 'node:crypto';
import type { GatewayAnswer, GatewayReply, Source } from '@fieldmesh/connect';
import type { ConsumedRecord } from '@fieldmesh/kafka';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { GatewayDiagnostics } from './diagnostics.handler';
import { GatewayCommands } from './gateway-commands.consumer';

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const SECRETS = ['kafka-sasl-secret', 'mqtt-broker-secret'];

function rig(sources: Record<string, Partial<Source>> = {}) {
  const answers: GatewayAnswer[] = [];
  const reconnected: string[] = [];
  const said: string[] = [];
  const registry = new Registry();
  const diagnostics: GatewayDiagnostics = {
    health: () => ({ status: 'degraded', gatewayId: 'gw-1', uplink: false, connectors: { 'plant-mqtt': true } }),
    metricsText: async () => '# HELP fieldmesh_gateway_uplink_up 1 when Kafka accepts records\nfieldmesh_gateway_uplink_up 0\n',
    logTail: (lines) => ['line 1', 'line 2', 'line 3'].slice(-lines),
    effectiveConfig: () => ({
      gatewayId: 'gw-1',
      kafka: { brokers: ['127.0.0.1:9092'], security: { protocol: 'SASL_SSL', sasl: { username: 'fieldmesh-gateway-berlin', password: SECRETS[0] } } },
      connectors: [{ name: 'plant-mqtt', type: 'mqtt', config: { url: 'mqtts://127.0.0.1:8883', username: 'gw', password: SECRETS[1] } }],
    }),
    bufferState: () => ({ segments: 2, bytes: 4096, pendingRecords: 12, oldestUnackedSeq: 1001, droppedRecords: 0 }),
    reconnect: (connector) => (connector === 'plant-mqtt' ? (reconnected.push(connector), true) : false),
  };
  const commands = new GatewayCommands({
    gatewayId: 'gw-1',
    topic: '_fieldmesh.gateway-commands',
    maxAgeMs: 60_000,
    sourceOf: (name) => sources[name] as Source | undefined,
    diagnostics,
    replies: { send: async (reply: GatewayReply) => void answers.push(reply as GatewayAnswer) },
    registry,
    say: (line) => said.push(line),
    clock: () => NOW,
  });
  let offset = 0;
  const send = (command: Record<string, unknown> | string, key = 'gw-1') =>
    commands.handle({
      topic: '_fieldmesh.gateway-commands',
      partition: 0,
      offset: String(offset++),
      key: Buffer.from(key),
      value: Buffer.from(typeof command === 'string' ? command : JSON.stringify(command)),
      headers: {},
      timestamp: NOW,
    } satisfies ConsumedRecord);
  return { send, answers, reconnected, said, registry };
}

const asked = (type: string, extra: Record<string, unknown> = {}) => ({
  type,
  commandId: randomUUID(),
  gatewayId: 'gw-1',
  requestedBy: 'olga-operator',
  requestedAt: new Date(NOW - 1_000).toISOString(),
  ...extra,
});

describe('GatewayCommands', () => {
  it('answers each diagnostic on the replies topic, naming the command and the operator who asked', async () => {
    const { send, answers } = rig();
    const commands = [asked('health'), asked('metrics-snapshot'), asked('log-tail', { lines: 2 }), asked('buffer-state')];
    for (const command of commands) await send(command);
    expect(answers.map(({ commandId, type, requestedBy, outcome, gatewayId }) => ({ commandId, type, requestedBy, outcome, gatewayId }))).toEqual(
      commands.map(({ commandId, type }) => ({ commandId, type, requestedBy: 'olga-operator', outcome: 'done', gatewayId: 'gw-1' })),
    );
    expect(answers[0]!.answer).toMatchObject({ status: 'degraded', uplink: false });
    expect((answers[1]!.answer as { text: string }).text).toContain('fieldmesh_gateway_uplink_up 0');
    expect(answers[2]!.answer).toEqual({ lines: ['line 2', 'line 3'] });
    expect(answers[3]!.answer).toEqual({ segments: 2, bytes: 4096, pendingRecords: 12, oldestUnackedSeq: 1001, droppedRecords: 0 });
  });

  it('answers the effective configuration with no password, key or token in it', async () => {
    const { send, answers } = rig();
    await send(asked('effective-config'));
    const text = JSON.stringify(answers);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(answers[0]!.answer).toMatchObject({ kafka: { security: { sasl: { username: 'fieldmesh-gateway-berlin', password: '[redacted]' } } } });
  });

  it('reconnects a connector it has, and answers unknown-connector for one it has not', async () => {
    const { send, answers, reconnected } = rig();
    await send(asked('reconnect-connector', { connector: 'plant-mqtt' }));
    await send(asked('reconnect-connector', { connector: 'plant-opcua' }));
    expect(reconnected).toEqual(['plant-mqtt']);
    expect(answers.map((a) => a.outcome)).toEqual(['done', 'unknown-connector']);
    expect(answers[1]!.error).toContain('no connector plant-opcua');
  });

  it("acknowledges a condition through its connector with the operator's name on the comment, and answers", async () => {
    const acknowledged: unknown[] = [];
    const { send, answers } = rig({ 'plant-opcua': { acknowledgeCondition: async (request) => void acknowledged.push(request) } });
    const command = asked('acknowledge-condition', { connector: 'plant-opcua', conditionId: 'ns=1;s=c', eventId: '0a0b', comment: 'lubricated' });
    await send(command);
    expect(acknowledged).toEqual([{ conditionId: 'ns=1;s=c', eventId: '0a0b', comment: 'lubricated (olga-operator)' }]);
    expect(answers).toEqual([expect.objectContaining({ commandId: command.commandId, type: 'acknowledge-condition', outcome: 'done' })]);
  });

  it('carries out nothing too old or malformed, and answers why (naming the command when it can), counting each outcome', async () => {
    const { send, answers, registry, said } = rig();
    const old = asked('health', { requestedAt: new Date(NOW - 120_000).toISOString() });
    await send(old);
    const bad = asked('log-tail', { lines: 5000 });
    await send(bad);
    await send('not json');
    expect(answers.map((a) => [a.commandId, a.outcome])).toEqual([
      [old.commandId, 'expired'],
      [bad.commandId, 'invalid'],
      [null, 'invalid'],
    ]);
    expect(answers[1]!.error).toContain('lines');
    expect(said).toHaveLength(3);
    const counted = (await registry.getSingleMetric('fieldmesh_gateway_commands_total')!.get()).values.map((v) => [v.labels.command, v.labels.outcome, v.value]);
    expect(counted).toEqual([
      ['health', 'expired', 1],
      ['log-tail', 'invalid', 1],
      ['unknown', 'invalid', 1],
    ]);
  });

  it("leaves another gateway's commands alone, unanswered", async () => {
    const { send, answers } = rig();
    await send({ ...asked('health'), gatewayId: 'gw-2' }, 'gw-2');
    expect(answers).toEqual([]);
  });
});
