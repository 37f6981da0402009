import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type DesiredStateConfig,
  type FleetRolloutEvent,
  type FleetTopics,
  type GatewayHeartbeat,
  type GatewayReply,
  type OperatorKey,
  runRollout,
  signDesiredState,
} from '@fieldmesh/connect';
import { createKafka, type KafkaPort, readTopicToEnd } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { REPO_ROOT } from '@fieldmesh/testing';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayConfigSchema } from '../src/config/gateway.config';
import { connectorCatalog } from '../src/connectors.catalog';
import { DesiredStateGateway } from '../src/fleet/desired-state.gateway';
import { makeDeviceCsr } from '../src/onboarding/device.csr';
import { SiteCa } from '../src/onboarding/site.ca';

const RAW_TOPIC = 'plant.telemetry.raw.v1';
const BIN = join(REPO_ROOT, 'node_modules', '.bin', 'fieldmesh');

/** The fieldmesh command as an operator runs it, as the stack's admin (FIELDMESH_KAFKA_* from the test environment). */
async function fieldmesh(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(BIN, args, { cwd: REPO_ROOT, env: { ...process.env, FIELDMESH_KAFKA_BROKERS: inject('kafkaBrokers') } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/**
 * Staged rollout on the stack's Kafka (SASL_SSL) and Mosquitto with three gateways that follow their desired
 * state: a good change reaches the canary and then the wave; a bad one (a connector that cannot connect)
 * fails the canary's health gates, the canary goes back by itself, the rollout stops there and gives the
 * canary its state from before. A device publishes readings to every gateway throughout, QoS 1: each one
 * must reach Kafka, across every restart the changes cause. Topics of this run's own.
 */
describe('fleet rollout with three gateways', () => {
  const run = randomUUID().slice(0, 8);
  const ids = ['a', 'b', 'c'].map((letter) => `fleet-${run}-${letter}`);
  const [canary, ...wave] = ids as [string, string, string];
  const topics: FleetTopics = {
    desiredState: `_fieldmesh.gateway-desired-state.test-${run}`,
    rollouts: `_fieldmesh.fleet-rollouts.test-${run}`,
    replies: `_fieldmesh.gateway-replies.test-${run}`,
  };
  const security = {
    protocol: 'SASL_SSL',
    caFile: inject('kafkaCaFile'),
    sasl: { mechanism: 'SCRAM-SHA-512', username: inject('kafkaSaslUsername'), password: inject('kafkaSaslPassword') },
  } as const;
  const mqttConnector = {
    name: 'plant-mqtt',
    type: 'mqtt',
    config: {
      url: inject('mqttUrl'),
      clientId: '${gatewayId}-mqtt',
      format: 'json',
      mappings: [{ topic: 'fleet/${gatewayId}/+asset/+signal', assetPath: 'acme/${gatewayId}/{asset}' }],
    },
  };
  const fileConnector = (gatewayId: string) => JSON.parse(JSON.stringify(mqttConnector).replaceAll('${gatewayId}', gatewayId)) as typeof mqttConnector;
  let dir: string;
  let kafka: KafkaPort;
  let operator: OperatorKey;
  let ca: SiteCa;
  let device: mqtt.MqttClient;
  const gateways: DesiredStateGateway[] = [];
  const published = new Map<string, number[]>(ids.map((id) => [id, []]));
  let publishing: Promise<void> | undefined;
  let stopPublishing = false;
  let goodRollout = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fm-fleet-'));
    kafka = createKafka({ clientId: 'fleet-test', brokers: [inject('kafkaBrokers')], security });
    ca = await SiteCa.init(join(dir, 'ca'), { site: 'plant-1' });
    const olga = await makeDeviceCsr('olga-operator');
    operator = { keyPem: olga.keyPem, certificatePem: (await ca.issue({ csrPem: olga.csrPem, type: 'operator' })).pem };
    for (const gatewayId of ids) {
      gateways.push(
        await DesiredStateGateway.start(
          gatewayConfigSchema.parse({
            gatewayId,
            stateDir: join(dir, gatewayId),
            kafka: { brokers: [inject('kafkaBrokers')], security },
            registryUrl: inject('registryUrl'),
            connectors: [fileConnector(gatewayId)],
            commands: { topic: `_fieldmesh.gateway-commands.test-${run}`, repliesTopic: topics.replies, heartbeatSeconds: 1 },
            desiredState: { topic: topics.desiredState, siteCaFile: ca.files.certificate, gates: { windowSeconds: 5, minReadings: 1 } },
            observability: { port: 0 },
          }),
          { root: REPO_ROOT, connectors: connectorCatalog, log: () => undefined },
        ),
      );
    }
    device = await mqtt.connectAsync(inject('mqttUrl'), { clientId: `fleet-device-${run}` });
    // One reading per gateway every 50 ms, numbered, for the whole test.
    publishing = (async () => {
      for (let n = 1; !stopPublishing; n++) {
        for (const gatewayId of ids) {
          await device.publishAsync(`fleet/${gatewayId}/pump-1/flow`, JSON.stringify({ timestamp_ms: Date.now(), value: n, unit: 'm3/h' }), { qos: 1 });
          published.get(gatewayId)!.push(n);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
  }, 90_000);

  afterAll(async () => {
    stopPublishing = true;
    await publishing;
    await device?.endAsync();
    for (const gateway of gateways) await gateway.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const heartbeats = async () => {
    const last = new Map<string, GatewayHeartbeat>();
    for (const record of await readTopicToEnd(kafka, topics.replies)) {
      const reply = JSON.parse(record.value!.toString()) as GatewayReply;
      if (reply.kind === 'heartbeat') last.set(reply.gatewayId, reply);
    }
    return last;
  };
  const rollout = (config: DesiredStateConfig) => runRollout({ kafka, operator, config, canary, waves: [wave], gateTimeoutMs: 45_000, topics });

  it('takes a good change to the canary, then to the wave, each behind its health gates', async () => {
    const good = { connectors: [mqttConnector], assets: [{ assetPath: 'acme/${gatewayId}/pump-1', class: 'pump' }] };
    const result = await rollout(good);
    goodRollout = result.rolloutId;
    expect(result).toMatchObject({ outcome: 'completed', gateways: Object.fromEntries(ids.map((id) => [id, { version: 1, outcome: 'applied' }])) });
    const beats = await heartbeats();
    for (const id of ids) expect(beats.get(id)!.desiredState, id).toMatchObject({ appliedVersion: 1, latest: { version: 1, outcome: 'applied', rolloutId: result.rolloutId } });
    // The canary passed before anything went to the wave.
    const steps = (await readTopicToEnd(kafka, topics.rollouts)).map((r) => JSON.parse(r.value!.toString()) as FleetRolloutEvent).filter((e) => e.rolloutId === result.rolloutId);
    const named = steps.map((s) => `${s.step} ${s.gatewayId ?? ''}`.trim());
    expect(named.slice(0, 5)).toEqual(['started', `published ${canary}`, `gate-passed ${canary}`, ...wave.map((id) => `published ${id}`)]);
    // The wave's gateways pass in whichever order they finish.
    expect(named.slice(5, 7).sort()).toEqual(wave.map((id) => `gate-passed ${id}`).sort());
    expect(named.slice(7)).toEqual(['completed']);
    expect(new Set(steps.map((s) => s.by))).toEqual(new Set(['olga-operator']));
  }, 120_000);

  it('stops a change whose connector cannot connect at the canary, which goes back by itself', async () => {
    const bad = {
      connectors: [
        mqttConnector,
        {
          name: 'broken-mqtt',
          type: 'mqtt',
          config: {
            url: 'mqtt://127.0.0.1:1',
            clientId: '${gatewayId}-broken',
            format: 'json',
            mappings: [{ topic: 'nowhere/+asset/+signal', assetPath: 'acme/nowhere/{asset}' }],
          },
        },
      ],
    };
    const result = await rollout(bad);
    expect(result.outcome).toBe('stopped');
    expect(result.gateways[canary]).toMatchObject({ version: 2, outcome: 'rolled-back', reason: expect.stringContaining('connectors not connected: broken-mqtt') });
    expect(Object.keys(result.gateways)).toEqual([canary]);
    const beats = await heartbeats();
    // The canary runs the good state again (a new version of it); the wave never saw the bad one.
    expect(beats.get(canary)!.desiredState).toMatchObject({ appliedVersion: 3, latest: { version: 3, outcome: 'applied' } });
    expect(beats.get(canary)!.connectors).toEqual({ 'plant-mqtt': true });
    for (const id of wave) expect(beats.get(id)!.desiredState, id).toMatchObject({ appliedVersion: 1, latest: { version: 1 } });
    const steps = (await readTopicToEnd(kafka, topics.rollouts)).map((r) => JSON.parse(r.value!.toString()) as FleetRolloutEvent).filter((e) => e.rolloutId === result.rolloutId);
    expect(steps.map((s) => s.step)).toEqual(['started', 'published', 'gate-failed', 'published', 'gate-passed', 'rolled-back', 'stopped']);
  }, 120_000);

  it('undoes a rollout with fieldmesh fleet rollback, and fleet status shows where each gateway stands', async () => {
    const [keyFile, certFile] = [join(dir, 'olga.key'), join(dir, 'olga.crt')];
    await writeFile(keyFile, operator.keyPem, { mode: 0o600 });
    await writeFile(certFile, operator.certificatePem);
    const topicOptions = ['--desired-state-topic', topics.desiredState, '--rollouts-topic', topics.rollouts, '--replies-topic', topics.replies];
    const rollback = await fieldmesh('fleet', 'rollback', goodRollout, '--key', keyFile, '--cert', certFile, '--gate-timeout', '45', ...topicOptions);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stderr).toContain(`rolled-back ${canary} v4: its file configuration: applied`);
    const status = await fieldmesh('fleet', 'status', '--json', '--rollout', goodRollout, ...topicOptions);
    expect(status.code, status.stderr).toBe(0);
    const shown = JSON.parse(status.stdout) as {
      gateways: Array<{ gatewayId: string; desiredState: { appliedVersion: number; latest: { outcome: string } } }>;
      rollout: { steps: Array<{ step: string }> };
    };
    expect(Object.fromEntries(shown.gateways.map((g) => [g.gatewayId, [g.desiredState.appliedVersion, g.desiredState.latest.outcome]]))).toEqual({
      [canary]: [4, 'applied'],
      [wave[0]!]: [2, 'applied'],
      [wave[1]!]: [2, 'applied'],
    });
    expect(shown.rollout.steps.filter((s) => s.step === 'rolled-back')).toHaveLength(3);
  }, 120_000);

  it("refuses a state signed with a device's key though the site CA issued it, reports why, and keeps running what it ran", async () => {
    const pump = await makeDeviceCsr('pump-7');
    const deviceCertificate = (await ca.issue({ csrPem: pump.csrPem, type: 'device' })).pem;
    const forged = signDesiredState(
      {
        gatewayId: canary,
        version: 99,
        issuedAt: new Date().toISOString(),
        rolloutId: null,
        config: { connectors: [{ ...fileConnector(canary), config: { ...fileConnector(canary).config, url: 'mqtt://127.0.0.1:2' } }] },
      },
      pump.keyPem,
      deviceCertificate,
    );
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([{ topic: topics.desiredState, key: canary, value: Buffer.from(JSON.stringify(forged)) }]);
    await producer.disconnect();
    await expect
      .poll(async () => (await heartbeats()).get(canary)?.desiredState, { timeout: 30_000, interval: 500 })
      .toMatchObject({ appliedVersion: 4, latest: { version: 99, outcome: 'rejected', reason: expect.stringContaining('no codeSigning usage') } });
    expect(gateways[0]!.gateway.health().connectors).toEqual({ 'plant-mqtt': true });
  }, 60_000);

  it('loses no reading a device sent through every change and rollback', async () => {
    stopPublishing = true;
    await publishing;
    const serde = new AvroSerde({ registryUrl: inject('registryUrl') });
    const seen = new Map<string, Set<number>>(ids.map((id) => [id, new Set()]));
    await expect
      .poll(
        async () => {
          for (const record of await readTopicToEnd(kafka, RAW_TOPIC, { timeoutMs: 60_000 })) {
            // Other tests share the topic, some with records made to fail: only this run's gateways' readings count.
            const decoded = await serde.decode<{ gatewayId: string; value: number | null }>(record.value!, { topic: RAW_TOPIC }).catch(() => undefined);
            if (decoded) seen.get(decoded.value.gatewayId)?.add(decoded.value.value!);
          }
          return ids.map((id) => published.get(id)!.filter((n) => !seen.get(id)!.has(n)).length);
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toEqual([0, 0, 0]);
    expect(published.get(canary)!.length).toBeGreaterThan(100);
  }, 90_000);
});
