import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotConnected } from '@fieldmesh/connect';
import { startMosquitto, type MosquittoInstance } from '@fieldmesh/testing';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mqttSourceConfigSchema } from '../src/config';
import { TlsFileUnreadable } from '../src/errors';
import { MqttSource } from '../src/source';
import { collect, context, uniqueId } from './broker';

const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-mqtt-tls-'));
const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

/** A CA and a certificate it signs for `cn` (with 127.0.0.1 as subject alternative name for the broker). */
function issue(ca: string, name: string, cn: string): void {
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  writeFileSync(file(`${name}.ext`), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
}

function createCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}`);
}

let broker: MosquittoInstance;

beforeAll(async () => {
  createCa('plant-ca');
  issue('plant-ca', 'broker', '127.0.0.1');
  issue('plant-ca', 'gateway', 'gateway-1');
  createCa('rogue-ca');
  issue('rogue-ca', 'rogue', 'gateway-1');
  broker = await startMosquitto({
    dir: join(dir, 'mosquitto'),
    tls: { cafile: file('plant-ca.pem'), certfile: file('broker.pem'), keyfile: file('broker.key') },
  });
});

afterAll(async () => {
  await broker?.stop();
});

function tlsSource(tls: Record<string, unknown>, enterprise = uniqueId('acme')): MqttSource {
  const clientId = uniqueId('gw');
  return new MqttSource(
    mqttSourceConfigSchema.parse({
      url: broker.tlsUrl,
      clientId,
      batchMaxWaitMs: 50,
      tls,
      format: 'json',
      mappings: [{ topic: `${enterprise}/+site/+area/+line/+asset/+signal`, assetPath: `${enterprise}/{site}/{area}/{line}/{asset}` }],
    }),
    context(clientId),
  );
}

describe('MQTT source over TLS with client certificates', () => {
  it('connects with a certificate signed by the plant CA and reads readings', async () => {
    const enterprise = uniqueId('acme');
    const source = tlsSource({ caFile: file('plant-ca.pem'), certFile: file('gateway.pem'), keyFile: file('gateway.key') }, enterprise);
    try {
      await source.connect();
      const plant = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
      await plant.publishAsync(`${enterprise}/berlin/press-shop/line-1/pump-1/flow`, JSON.stringify({ value: 12.5, unit: 'm3/h' }), { qos: 1 });
      await plant.endAsync();
      const { readings } = await collect(source, (c) => c.readings.length >= 1);
      expect(readings[0]).toMatchObject({ assetPath: `${enterprise}/berlin/press-shop/line-1/pump-1`, value: 12.5 });
    } finally {
      await source.close();
    }
  });

  it.each([
    ['without a client certificate', {}],
    ['with a certificate from another CA', { certFile: 'rogue.pem', keyFile: 'rogue.key' }],
  ])('is refused %s (NotConnected, so the gateway keeps retrying with backoff)', async (_, client: Record<string, string>) => {
    const source = tlsSource({ caFile: file('plant-ca.pem'), ...Object.fromEntries(Object.entries(client).map(([key, name]) => [key, file(name)])) });
    await expect(source.connect()).rejects.toBeInstanceOf(NotConnected);
    await source.close();
  });

  it('refuses a broker whose certificate the configured CA did not sign', async () => {
    const source = tlsSource({ caFile: file('rogue-ca.pem'), certFile: file('gateway.pem'), keyFile: file('gateway.key') });
    const error = await source.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConnected);
    expect(String((error as Error).cause)).toMatch(/certificate/i);
  });

  it('names the TLS field whose file cannot be read', async () => {
    const source = tlsSource({ caFile: file('missing-ca.pem') });
    await expect(source.connect()).rejects.toThrow(TlsFileUnreadable);
    await expect(source.connect()).rejects.toThrow(/tls\.caFile .*missing-ca\.pem/);
  });
});
