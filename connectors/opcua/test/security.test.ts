import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotConnected } from '@fieldmesh/connect';
import { OPCUACertificateManager, SecurityPolicy } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaSource, parseOpcuaSourceConfig, SecurityNotOffered, ServerCertificateUntrusted, trustServerCertificate, UserIdentityRejected } from '../src/index';
import { PlantTestServer } from './fixtures/plant-test-server';
import { readUntil } from './fixtures/source.harness';

const dir = mkdtempSync(join(tmpdir(), 'opcua-security-'));
const stateDir = join(dir, 'client');
const pkiDir = join(stateDir, 'pki');
let plant: PlantTestServer;
const open: OpcuaSource[] = [];

function source(config: Record<string, unknown>) {
  const parsed = parseOpcuaSourceConfig({
    endpointUrl: plant.endpointUrl,
    subscription: { publishingInterval: 100, samplingInterval: 0 },
    nodes: [{ nodeId: PlantTestServer.nodeId('compressor-1', 'bearing_temperature'), assetPath: 'acme/berlin/press-shop/line-1/compressor-1', signal: 'bearing_temperature' }],
    ...config,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const created = new OpcuaSource(parsed.value, { instanceName: 'opcua-secure', stateDir }, { warn: () => undefined });
  open.push(created);
  return created;
}

async function receivesData(opcua: OpcuaSource): Promise<void> {
  await opcua.connect();
  const [reading] = await readUntil(opcua, (r) => r.length > 0);
  expect(reading).toMatchObject({ signal: 'bearing_temperature', unit: 'Cel', quality: 'GOOD' });
  await opcua.close();
}

beforeAll(async () => {
  plant = await PlantTestServer.start({ pkiDir: join(dir, 'server-pki'), users: { gateway: 'correct horse' } });
});

afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await plant?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('trust list', () => {
  const secure = { securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' };

  it('refuses an untrusted server certificate with an error naming the certificate and the fix', async () => {
    const thumbprint = createHash('sha1').update(plant.certificate).digest('hex');
    const error = await source(secure)
      .connect()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ServerCertificateUntrusted);
    expect(error).toBeInstanceOf(NotConnected); // the gateway keeps retrying, so trusting it is all an operator does
    const untrusted = error as ServerCertificateUntrusted;
    expect(untrusted.thumbprint).toBe(thumbprint);
    expect(untrusted.rejectedFile).toBeDefined();
    expect(existsSync(untrusted.rejectedFile ?? '')).toBe(true);
    expect(untrusted.message).toContain(`server certificate ${thumbprint}`);
    expect(untrusted.message).toContain(`move ${untrusted.rejectedFile} to ${pkiDir}/trusted/certs/`);
    expect(untrusted.message).toContain(`trust-server.cli.ts --pki ${pkiDir} --thumbprint ${thumbprint} ${plant.endpointUrl}`);
    // The client certificate was created on first start, in the connector's state dir.
    expect(existsSync(join(pkiDir, 'own/certs/client_certificate.pem'))).toBe(true);
  });

  it('trusts nothing without a thumbprint: no trust on first use', async () => {
    await expect(trustServerCertificate({ endpointUrl: plant.endpointUrl, pkiDir, expectedThumbprint: '' })).rejects.toThrow(/thumbprint \(40 hex digits\) is required/);
  });

  it('has the trust command refuse to run without --thumbprint', () => {
    const cli = join(import.meta.dirname, '../src/trust-server.cli.ts');
    const run = spawnSync('npx', ['tsx', cli, '--pki', pkiDir, plant.endpointUrl], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--thumbprint is required');
    expect(existsSync(join(pkiDir, 'trusted/certs')) ? readdirSync(join(pkiDir, 'trusted/certs')) : []).toEqual([]);
  });

  it('refuses to trust a certificate other than the one the operator was shown', async () => {
    await expect(trustServerCertificate({ endpointUrl: plant.endpointUrl, pkiDir, expectedThumbprint: '00'.repeat(20) })).rejects.toThrow(/not the expected 0000/);
  });

  it('connects with SignAndEncrypt once the operator trusts the certificate', async () => {
    const trusted = await trustServerCertificate({ endpointUrl: plant.endpointUrl, pkiDir, expectedThumbprint: createHash('sha1').update(plant.certificate).digest('hex') });
    expect(trusted.subject).toBeTruthy();
    await receivesData(source(secure));
  });

  for (const [securityMode, securityPolicy] of [
    ['SignAndEncrypt', 'Aes256_Sha256_RsaPss'],
    ['SignAndEncrypt', 'Aes128_Sha256_RsaOaep'],
    ['Sign', 'Basic256Sha256'],
  ] as const) {
    it(`works with ${securityMode} and ${securityPolicy}`, async () => {
      await receivesData(source({ securityMode, securityPolicy }));
    });
  }
});

describe('user tokens', () => {
  const secure = { securityMode: 'SignAndEncrypt', securityPolicy: 'Aes256_Sha256_RsaPss' };

  beforeAll(async () => {
    await trustServerCertificate({ endpointUrl: plant.endpointUrl, pkiDir, expectedThumbprint: createHash('sha1').update(plant.certificate).digest('hex') });
  });

  it('reads the password from a file, and from an environment variable', async () => {
    const passwordFile = join(dir, 'gateway.password');
    writeFileSync(passwordFile, 'correct horse\n', { mode: 0o600 });
    await receivesData(source({ ...secure, userIdentity: { type: 'username', username: 'gateway', passwordFile } }));
    process.env.FIELDMESH_TEST_OPCUA_PASSWORD = 'correct horse';
    try {
      await receivesData(source({ ...secure, userIdentity: { type: 'username', username: 'gateway', passwordEnv: 'FIELDMESH_TEST_OPCUA_PASSWORD' } }));
    } finally {
      delete process.env.FIELDMESH_TEST_OPCUA_PASSWORD;
    }
  });

  it('accepts the right user name and password', async () => {
    await receivesData(source({ ...secure, userIdentity: { type: 'username', username: 'gateway', password: 'correct horse' } }));
  });

  it('refuses a wrong password with an error that is not retried', async () => {
    const error = await source({ ...secure, userIdentity: { type: 'username', username: 'gateway', password: 'wrong' } })
      .connect()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(UserIdentityRejected);
    expect(error).not.toBeInstanceOf(NotConnected);
    expect((error as Error).message).toMatch(/rejected the username user token \(Bad\w+\)\. Check userIdentity/);
  });

  it('accepts an X.509 user certificate', async () => {
    const userPki = new OPCUACertificateManager({ rootFolder: join(dir, 'user-pki') });
    await userPki.initialize();
    const certificateFile = join(dir, 'user-pki', 'user.pem');
    await userPki.createSelfSignedCertificate({
      outputFile: certificateFile,
      subject: '/CN=fieldmesh-gateway-user',
      applicationUri: 'urn:fieldmesh:user:gateway',
      dns: [],
      startDate: new Date(),
      validity: 2,
    });
    const privateKeyFile = userPki.privateKey;
    await userPki.dispose();
    await receivesData(source({ ...secure, userIdentity: { type: 'certificate', certificateFile, privateKeyFile } }));
  });
});

describe('securityMode None', () => {
  it('connects only when allowed explicitly, and warns at start naming the fix', async () => {
    const warnings: string[] = [];
    const parsed = parseOpcuaSourceConfig({
      endpointUrl: plant.endpointUrl,
      securityMode: 'None',
      securityPolicy: 'None',
      allowSecurityNone: true,
      subscription: { publishingInterval: 100, samplingInterval: 0 },
      nodes: [{ nodeId: PlantTestServer.nodeId('compressor-1', 'bearing_temperature'), assetPath: 'acme/berlin/press-shop/line-1/compressor-1', signal: 'bearing_temperature' }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const insecure = new OpcuaSource(parsed.value, { instanceName: 'opcua-insecure', stateDir }, { warn: (message) => warnings.push(message) });
    open.push(insecure);
    await receivesData(insecure);
    expect(warnings.filter((w) => w.startsWith('securityMode None'))).toEqual([expect.stringContaining('Fix: enable SignAndEncrypt')]);
  });
});

describe('security the server does not offer', () => {
  it('says which mode/policy pairs the server offers', async () => {
    const basicOnly = await PlantTestServer.start({ pkiDir: join(dir, 'server-pki'), securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256] });
    try {
      const error = await source({ endpointUrl: basicOnly.endpointUrl, securityMode: 'SignAndEncrypt', securityPolicy: 'Aes256_Sha256_RsaPss' })
        .connect()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(SecurityNotOffered);
      expect((error as Error).message).toMatch(
        /offers no endpoint with securityMode SignAndEncrypt and securityPolicy Aes256_Sha256_RsaPss; it offers .*SignAndEncrypt\/Basic256Sha256/,
      );
    } finally {
      await basicOnly.stop();
    }
  });
});
