import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlant, identityFiles, simulatorConfig, startSimulator } from '@fieldmesh/simulator';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureMqttBroker, type MqttClientIdentity, type SecureMqttBroker } from '../src/mqtt.link';

// The plant's Mosquitto exactly as the main job runs it (startPlantPipeline → startSecureMqttBroker), attacked
// by real mqtt.js clients over TLS: every attempt must be refused by the broker, and nothing may reach the gateway.
const dir = mkdtempSync(join(tmpdir(), 'mqtt-attack-'));
const GATEWAY_ID = 'gw-attack-1';
const plant = buildPlant(simulatorConfig.parse({ plant: { sites: ['berlin'], linesPerSite: 2 } }).plant);
const [pump1, compressor1] = ['line-1/pump-1', 'line-1/compressor-1'].map((tail) => {
  const asset = plant.assets.find((candidate) => candidate.path.endsWith(tail));
  if (!asset) throw new Error(`the plant has no ${tail}`);
  return asset;
}) as [(typeof plant.assets)[number], (typeof plant.assets)[number]];
const line2Motor = plant.assets.find((asset) => asset.path.endsWith('line-2/motor-1'));
let broker: SecureMqttBroker;
let gateway: MqttClient;
const received: string[] = [];

function identity(id: string): MqttClientIdentity {
  return identityFiles(broker.identitiesDir, id);
}

function connect(options: { url?: string; cert?: MqttClientIdentity; ca?: string; clientId: string }): Promise<MqttClient> {
  return mqtt.connectAsync(options.url ?? broker.url, {
    clientId: options.clientId,
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ca: readFileSync(options.ca ?? broker.caFile),
    ...(options.cert ? { cert: readFileSync(options.cert.certFile), key: readFileSync(options.cert.keyFile) } : {}),
  });
}

interface Outcome {
  name: string;
  accepted: boolean;
  how: string;
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/** A client that should not get in: accepted only if the broker lets it connect. */
async function connectAttempt(name: string, options: Parameters<typeof connect>[0]): Promise<Outcome> {
  try {
    const client = await connect(options);
    await client.endAsync(true);
    return { name, accepted: true, how: 'connected' };
  } catch (error) {
    return { name, accepted: false, how: describeError(error) };
  }
}

/** Publishes the broker must have logged as refused: the client id, the certificate CN it connected with, the topic. */
const refusedPublishes: Array<{ clientId: string; commonName: string; topic: string }> = [];

/** A publish that should be refused: accepted if the broker acknowledges it or the gateway receives it. */
async function publishAttempt(name: string, commonName: string, topic: string): Promise<Outcome> {
  const marker = `attack-${name.replace(/\W+/g, '-')}-${Date.now()}`;
  const as = identity(commonName);
  refusedPublishes.push({ clientId: marker, commonName, topic });
  let client: MqttClient | undefined;
  try {
    client = await connect({ cert: as, clientId: marker });
    const refusal = await client.publishAsync(topic, JSON.stringify({ value: 1, marker }), { qos: 1 }).then(
      () => undefined,
      (error: unknown) => describeError(error),
    );
    await settle();
    const reached = received.some((payload) => payload.includes(marker));
    if (reached) return { name, accepted: true, how: `the gateway received it on ${topic}` };
    return refusal ? { name, accepted: false, how: refusal } : { name, accepted: true, how: 'PUBACK success (dropped, but acknowledged)' };
  } catch (error) {
    return { name, accepted: false, how: describeError(error) };
  } finally {
    await client?.endAsync(true);
  }
}

/**
 * Eavesdropping: accepted if another device's message reaches the subscriber. Mosquitto 2.0 grants the
 * SUBSCRIBE itself and applies the read ACL to each message it would deliver, so the proof is delivery.
 */
async function subscribeAttempt(name: string, as: MqttClientIdentity, filter: string, victim: { id: string; topic: string }): Promise<Outcome> {
  const client = await connect({ cert: as, clientId: `attack-sub-${Date.now()}` });
  const overheard: string[] = [];
  client.on('message', (_topic, payload) => overheard.push(payload.toString()));
  const marker = `victim-${Date.now()}-${Math.random()}`;
  try {
    const [grant] = await client.subscribeAsync(filter, { qos: 1 });
    const code = grant?.qos ?? 0x80;
    if (code >= 0x80) return { name, accepted: false, how: `SUBACK 0x${code.toString(16)}` };
    const device = await connect({ cert: identity(victim.id), clientId: `victim-${Date.now()}` });
    await device.publishAsync(victim.topic, marker, { qos: 1 });
    await device.endAsync(true);
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    return overheard.includes(marker)
      ? { name, accepted: true, how: `overheard ${victim.topic}` }
      : { name, accepted: false, how: 'subscription granted, but the read ACL delivered nothing of other devices' };
  } finally {
    await client.endAsync(true);
  }
}

/** Lets whatever the broker would route reach the gateway: a legitimate sentinel published after the attempt arrives. */
async function settle(): Promise<void> {
  const sentinel = `sentinel-${Date.now()}-${Math.random()}`;
  const device = await connect({ cert: identity(broker.devices[0]?.id ?? ''), clientId: `sentinel-${Date.now()}` });
  try {
    await device.publishAsync(`${plant.assets[0]?.path}/sentinel`, sentinel, { qos: 1 });
    const deadline = Date.now() + 5_000;
    while (!received.includes(sentinel) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (!received.includes(sentinel)) throw new Error('the gateway did not receive a legitimate device message: the broker is not routing');
  } finally {
    await device.endAsync(true);
  }
}

function rogueCertificate(commonName: string): { ca: string; cert: MqttClientIdentity } {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rogue-ca.key', '-out', 'rogue-ca.pem', '-days', '1', '-subj', '/CN=Rogue CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rogue.key', '-out', 'rogue.csr', '-subj', `/CN=${commonName}`);
  writeFileSync(join(dir, 'rogue.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl('x509', '-req', '-in', 'rogue.csr', '-CA', 'rogue-ca.pem', '-CAkey', 'rogue-ca.key', '-CAcreateserial', '-out', 'rogue.pem', '-days', '1', '-extfile', 'rogue.ext');
  return { ca: join(dir, 'rogue-ca.pem'), cert: { certFile: join(dir, 'rogue.pem'), keyFile: join(dir, 'rogue.key') } };
}

beforeAll(async () => {
  broker = await startSecureMqttBroker({ dir: join(dir, 'mqtt'), site: 'berlin', gatewayId: GATEWAY_ID, plant });
  gateway = await connect({ cert: broker.gateway, clientId: `${GATEWAY_ID}-observer` });
  gateway.on('message', (_topic, payload) => received.push(payload.toString()));
  const grants = await gateway.subscribeAsync({ 'acme/berlin/#': { qos: 1 }, 'spBv1.0/berlin/#': { qos: 1 } });
  expect(grants.map((grant) => grant.qos)).toEqual([1, 1]);
});

afterAll(async () => {
  await gateway?.endAsync(true);
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the plant Mosquitto as the main job runs it', () => {
  it('lets an onboarded device publish on its own topics, and the gateway receive them', async () => {
    const device = await connect({ cert: identity(broker.devices.find((d) => d.write[0]?.startsWith(pump1.path))?.id ?? ''), clientId: 'legit-pump-1' });
    try {
      await device.publishAsync(`${pump1.path}/flow`, JSON.stringify({ value: 12.5, marker: 'legit-pump' }), { qos: 1 });
    } finally {
      await device.endAsync(true);
    }
    await settle();
    expect(received.some((payload) => payload.includes('legit-pump'))).toBe(true);
  });

  it('carries the simulated plant, each asset and edge node on its own certificate, JSON and Sparkplug B', async () => {
    const before = received.length;
    const simulator = await startSimulator({
      seed: 3,
      plant: { sites: ['berlin'], linesPerSite: 2 },
      rate: 1,
      speed: 10,
      durationSeconds: 20,
      mqtt: { url: broker.url, clientIdPrefix: 'sim-attack', tls: { caFile: broker.caFile, identitiesDir: broker.identitiesDir } },
      json: true,
      sparkplug: true,
      stateDir: join(dir, 'simulator'),
    });
    try {
      await simulator.done;
    } finally {
      await simulator.stop();
    }
    const published = simulator.stats().published;
    expect(published['mqtt-json']).toBeGreaterThan(0);
    expect(published.sparkplug).toBeGreaterThan(0);
    await settle();
    // Every JSON reading and at least the Sparkplug births and data reached the gateway: nothing a device sent on its own topics was denied.
    expect(received.length - before).toBeGreaterThanOrEqual(published['mqtt-json']!);
    const log = readFileSync(broker.logFile, 'utf8');
    expect(log).not.toMatch(/Denied PUBLISH from sim-attack/);
  });

  it('starts again on the same folder with the same CA, each device keeping its certificate', async () => {
    const pumpId = broker.devices.find((d) => d.write[0]?.startsWith(`${pump1.path}/`))?.id ?? '';
    const before = readFileSync(identity(pumpId).certFile, 'utf8');
    const caBefore = readFileSync(broker.caFile, 'utf8');
    await gateway.endAsync(true);
    await broker.stop();
    broker = await startSecureMqttBroker({ dir: join(dir, 'mqtt'), site: 'berlin', gatewayId: GATEWAY_ID, plant });
    expect(readFileSync(broker.caFile, 'utf8')).toBe(caBefore);
    expect(readFileSync(identity(pumpId).certFile, 'utf8')).toBe(before);
    gateway = await connect({ cert: broker.gateway, clientId: `${GATEWAY_ID}-observer` });
    gateway.on('message', (_topic, payload) => received.push(payload.toString()));
    await gateway.subscribeAsync({ 'acme/berlin/#': { qos: 1 }, 'spBv1.0/berlin/#': { qos: 1 } });
    await settle();
  });

  it('refuses every unauthorised client: 0 of N accepted', async () => {
    const pumpId = broker.devices.find((d) => d.write[0]?.startsWith(`${pump1.path}/`))?.id ?? '';
    const compressorId = broker.devices.find((d) => d.write[0]?.startsWith(`${compressor1.path}/`))?.id ?? '';
    const nodeLine1 = broker.devices.find((d) => d.kind === 'sparkplug-node' && d.id.endsWith('.line-1'))?.id ?? '';
    const rogue = rogueCertificate(pumpId);
    await broker.onboard('stranger-laptop');
    // A device that left the plant: its certificate is revoked, the broker re-reads the CRL.
    const revokedId = broker.devices.find((d) => line2Motor && d.write[0]?.startsWith(`${line2Motor.path}/`))?.id ?? '';
    await broker.revoke(revokedId);

    const outcomes: Outcome[] = [
      await connectAttempt('no client certificate', { clientId: 'attack-no-cert' }),
      await connectAttempt('plaintext, anonymous', { url: broker.url.replace('mqtts://', 'mqtt://'), clientId: 'attack-plain' }),
      await connectAttempt('certificate from another CA, a real device CN', { cert: rogue.cert, clientId: 'attack-rogue' }),
      await connectAttempt('revoked device certificate', { cert: identity(revokedId), clientId: 'attack-revoked' }),
      await publishAttempt("a device publishing on another device's topic", pumpId, `${compressor1.path}/bearing_temperature`),
      await publishAttempt("a device publishing on another line's device", pumpId, `${line2Motor?.path}/winding_temperature`),
      await publishAttempt("a device forging another edge node's Sparkplug data", pumpId, 'spBv1.0/berlin/DDATA/press-shop.line-2/motor-1'),
      await publishAttempt('an edge node publishing outside its namespace', nodeLine1, 'spBv1.0/berlin/NDATA/press-shop.line-2'),
      await publishAttempt('a device sending a rebirth command as if it were the gateway', pumpId, 'spBv1.0/berlin/NCMD/press-shop.line-1'),
      await publishAttempt('a valid site certificate the ACL does not know', 'stranger-laptop', `${pump1.path}/flow`),
      await subscribeAttempt('a device eavesdropping on the whole site', identity(pumpId), 'acme/berlin/#', { id: compressorId, topic: `${compressor1.path}/vibration_rms` }),
      await subscribeAttempt('a device eavesdropping on Sparkplug', identity(pumpId), 'spBv1.0/#', { id: nodeLine1, topic: 'spBv1.0/berlin/NDATA/press-shop.line-1' }),
    ];
    const accepted = outcomes.filter((outcome) => outcome.accepted);
    console.log(
      [`MQTT attack matrix: ${accepted.length} of ${outcomes.length} accepted`, ...outcomes.map((o) => `  ${o.accepted ? 'ACCEPTED' : 'refused '}  ${o.name} (${o.how})`)].join(
        '\n',
      ),
    );
    expect(accepted).toEqual([]);
    // Everything refused is in the broker's log, with who and why: the refused handshakes (no certificate,
    // unknown CA, revoked), each denied publish with its client id and topic, that client id's certificate CN,
    // and the eavesdroppers' subscriptions. Its routine debug lines (one per message) are not.
    const log = readFileSync(broker.logFile, 'utf8');
    expect(log).toMatch(/peer did not return a certificate/);
    // The rogue CA's certificate and the revoked one: OpenSSL names both a failed verification; who is the address only.
    expect(log.match(/certificate verify failed/g)).toHaveLength(2);
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    for (const { clientId, commonName, topic } of refusedPublishes) {
      expect(log).toMatch(new RegExp(`Denied PUBLISH from ${escape(clientId)} \\(.*'${escape(topic)}'`));
      expect(log).toMatch(new RegExp(`New client connected from .* as ${escape(clientId)} \\(.*u'${escape(commonName)}'\\)`));
    }
    expect(log).toMatch(/attack-sub-\d+ 1 acme\/berlin\/#/);
    expect(log).toMatch(/attack-sub-\d+ 1 spBv1\.0\/#/);
    expect(log).not.toMatch(/(Received|Sending) PUBLISH/);
  });
});
