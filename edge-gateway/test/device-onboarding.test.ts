import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, type MosquittoInstance } from '@fieldmesh/testing';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiteCa, makeDeviceCsr, reloadBroker, type CertificateType, type IssueRequest } from '../src/onboarding';

interface Credentials {
  id: string;
  serial: string;
  key: string;
  cert: string;
}

let workDir: string;
let ca: SiteCa;
let caPem: string;
let broker: MosquittoInstance;
let tlsUrl: string;

async function enrol(authority: SiteCa, id: string, type: CertificateType = 'device', extra: Partial<IssueRequest> = {}): Promise<Credentials> {
  const { keyPem, csrPem } = await makeDeviceCsr(id);
  const { record, pem } = await authority.issue({ csrPem, type, ...extra });
  return { id, serial: record.serial, key: keyPem, cert: pem };
}

/** Resolves on CONNACK; rejects with the TLS or MQTT error that ended the attempt. */
function connect(credentials: Credentials | undefined, options: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(tlsUrl, {
      protocolVersion: 5,
      ca: caPem,
      rejectUnauthorized: true,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
      ...(credentials ? { key: credentials.key, cert: credentials.cert, clientId: `${credentials.id}-${Math.random().toString(36).slice(2, 8)}` } : {}),
      ...options,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
    client.once('close', () => reject(new Error('the broker closed the connection before CONNACK')));
  });
}

async function refusal(credentials: Credentials | undefined): Promise<Error> {
  const outcome = await connect(credentials).then(
    async (client) => {
      await client.endAsync();
      return undefined;
    },
    (error: Error) => error,
  );
  if (!outcome) throw new Error(`the broker accepted ${credentials ? `'${credentials.id}'` : 'a client without a certificate'}`);
  return outcome;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'fieldmesh-onboarding-'));
  ca = await SiteCa.init(join(workDir, 'ca'), { site: 'plant-test' });
  caPem = ca.certificate.toString('pem');
  const brokerCredentials = await enrol(ca, 'mosquitto', 'broker', { subjectAltNames: [{ type: 'ip', value: '127.0.0.1' }] });
  const tlsDir = join(workDir, 'broker-tls');
  mkdirSync(tlsDir);
  writeFileSync(join(tlsDir, 'broker.key'), brokerCredentials.key, { mode: 0o600 });
  writeFileSync(join(tlsDir, 'broker.crt'), brokerCredentials.cert);
  ca.writeAcl();
  broker = await startMosquitto({
    dir: join(workDir, 'mosquitto'),
    tls: {
      cafile: ca.files.certificate,
      certfile: join(tlsDir, 'broker.crt'),
      keyfile: join(tlsDir, 'broker.key'),
      crlfile: ca.files.crl,
      aclFile: ca.files.acl,
    },
  });
  if (!broker.tlsUrl) throw new Error('startMosquitto returned no TLS listener although tls options were given');
  tlsUrl = broker.tlsUrl;
});

afterAll(async () => {
  await broker?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('device onboarding with X.509 against Mosquitto', () => {
  it('lets a device with a site certificate publish under its own topics, with its CN as MQTT username', async () => {
    const gateway = await enrol(ca, 'gw-1', 'gateway');
    ca.writeAcl();
    await broker.reload();
    const device = await enrol(ca, 'pump-1');

    const subscriber = await connect(gateway);
    const received: string[] = [];
    subscriber.on('message', (topic) => received.push(topic));
    await subscriber.subscribeAsync('acme/#', { qos: 1 });
    const client = await connect(device);
    try {
      await client.publishAsync('acme/berlin/press-shop/line-1/pump-1/vibration', '{"value":1.5}', { qos: 1 });
      // The ACL grants `+/+/+/+/%u/#` with %u = username: another device's subtree is refused, which shows
      // the broker took the certificate's CN as the username.
      await expect(client.publishAsync('acme/berlin/press-shop/line-1/pump-2/vibration', '{"value":9.9}', { qos: 1 })).rejects.toThrow(/not authori[sz]ed/i);
      await expect.poll(() => received, { timeout: 5_000 }).toEqual(['acme/berlin/press-shop/line-1/pump-1/vibration']);
    } finally {
      await client.endAsync();
      await subscriber.endAsync();
    }
  });

  it('refuses a client without a certificate', async () => {
    expect((await refusal(undefined)).message).toMatch(/certificate required/i);
  });

  it('refuses a client whose certificate comes from a foreign CA', async () => {
    const foreign = await SiteCa.init(join(workDir, 'foreign-ca'), { site: 'elsewhere' });
    expect((await refusal(await enrol(foreign, 'pump-1'))).message).toMatch(/unknown ca/i);
  });

  it('refuses a client whose certificate has expired', async () => {
    const day = 86_400_000;
    const expired = await enrol(ca, 'pump-old', 'device', { notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) });
    expect((await refusal(expired)).message).toMatch(/certificate expired/i);
  });

  it('refuses a revoked device from its next connection once the broker reloads, while another device still connects', async () => {
    const revoked = await enrol(ca, 'pump-3');
    const other = await enrol(ca, 'pump-4');
    await (await connect(revoked)).endAsync();

    const started = performance.now();
    await ca.revoke({ serial: revoked.serial }, 'keyCompromise');
    reloadBroker({ pid: broker.pid });
    let error: Error | undefined;
    while (!error && performance.now() - started < 10_000) {
      error = await refusal(revoked).catch(() => undefined);
    }
    const latencyMs = performance.now() - started;
    console.info(`revocation latency (revoke + CRL + SIGHUP until the next connection is refused): ${latencyMs.toFixed(0)} ms`);

    expect(error?.message).toMatch(/certificate revoked/i);
    expect(latencyMs).toBeLessThan(5_000);
    await (await connect(other)).endAsync();
  });
});
