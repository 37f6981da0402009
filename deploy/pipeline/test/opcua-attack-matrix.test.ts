import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpcuaSource, parseOpcuaSourceConfig } from '@fieldmesh/connector-opcua';
import { startSimulator, type SimulatorHandle } from '@fieldmesh/simulator';
import { findFreePort } from '@fieldmesh/stack';
import {
  AttributeIds,
  EndpointDescription,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  type UserIdentityInfo,
  UserTokenPolicy,
  UserTokenType,
} from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSecureOpcuaLink, type SecureOpcuaLink } from '../src/opcua.link';

// The plant's OPC UA server exactly as the main job runs it (startPlantPipeline → prepareSecureOpcuaLink),
// attacked by real node-opcua clients over TCP: every attempt must be refused by the server itself.
const dir = mkdtempSync(join(tmpdir(), 'opcua-attack-'));
const GATEWAY_ID = 'gw-attack-1';
let link: SecureOpcuaLink;
let simulator: SimulatorHandle;

interface Attempt {
  name: string;
  securityMode: MessageSecurityMode;
  securityPolicy: SecurityPolicy;
  /** The client's PKI: the onboarded gateway's, or one the server never saw. */
  pki: 'gateway' | 'stranger';
  user: UserIdentityInfo;
}

/**
 * node-opcua's client declines by itself to ask for what the server does not advertise (a None session, an
 * anonymous token, a policy it does not offer). A hostile client need not be so polite: these attempts
 * pretend the server advertised it, so that the refusal has to come from the server.
 */
function forgeAdvertised(client: OPCUAClient): void {
  const internals = client as unknown as { _serverEndpoints?: EndpointDescription[] };
  const endpoints = internals._serverEndpoints ?? [];
  const anonymous = new UserTokenPolicy({ policyId: 'anonymous', tokenType: UserTokenType.Anonymous });
  const forged = endpoints.flatMap((endpoint) => [
    new EndpointDescription({ ...endpoint, userIdentityTokens: [...(endpoint.userIdentityTokens ?? []), anonymous] }),
    new EndpointDescription({
      ...endpoint,
      securityMode: MessageSecurityMode.None,
      securityPolicyUri: SecurityPolicy.None,
      userIdentityTokens: [...(endpoint.userIdentityTokens ?? []), anonymous],
    }),
  ]);
  internals._serverEndpoints = forged;
}

const ACCESS_REFUSALS: ReadonlySet<string> = new Set(['BadUserAccessDenied', 'BadNotReadable', 'BadSecurityModeInsufficient', 'no answer']);

interface Outcome {
  name: string;
  accepted: boolean;
  /** What the server answered (a status name) when it refused. */
  refusal?: string;
}

function serverCertificateDer(): Buffer {
  return Buffer.from(readFileSync(simulator.opcuaCertificateFile ?? '', 'utf8').replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64');
}

function password(): string {
  return readFileSync(link.gateway.passwordFile, 'utf8').trim();
}

/** One client: a secure channel, a session and a read of a plant variable; accepted only if the read returns a value. */
async function attempt(spec: Attempt): Promise<Outcome> {
  const pkiDir = spec.pki === 'gateway' ? link.gateway.pkiDir : join(dir, `stranger-${spec.name.replace(/\W+/g, '-')}`);
  const clientCertificateManager = new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: false });
  await clientCertificateManager.initialize();
  // A stranger knows the server's public certificate (anyone can fetch it): the refusal must come from the server's side.
  if (spec.pki === 'stranger') await clientCertificateManager.trustCertificate(serverCertificateDer());
  const client = OPCUAClient.create({
    applicationName: spec.pki === 'gateway' ? `Fieldmesh gateway ${GATEWAY_ID}` : 'Stranger',
    applicationUri: spec.pki === 'gateway' ? link.gateway.applicationUri : `urn:stranger:${spec.name.replace(/\W+/g, '-')}`,
    clientCertificateManager,
    securityMode: spec.securityMode,
    securityPolicy: spec.securityPolicy,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    requestedSessionTimeout: 10_000,
    defaultTransactionTimeout: 5_000,
    // Known to anyone (it is public): the client opens the channel asked for without looking the endpoint up first.
    serverCertificate: serverCertificateDer(),
  });
  try {
    await client.connect(link.gateway.endpointUrl);
    forgeAdvertised(client);
    const session = await client.createSession(spec.user);
    try {
      const [value] = await session.read([{ nodeId: 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature', attributeId: AttributeIds.Value }]);
      // A session that gets an answer is in, whatever the variable's own status (a sensor fault, no value yet); only an access refusal keeps it out.
      const status = value?.statusCode.name ?? 'no answer';
      return ACCESS_REFUSALS.has(status) ? { name: spec.name, accepted: false, refusal: status } : { name: spec.name, accepted: true };
    } finally {
      await session.close().catch(() => undefined);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name: spec.name, accepted: false, refusal: /Bad\w+/.exec(message)?.[0] ?? message.replace(/\s+/g, ' ') };
  } finally {
    await client.disconnect().catch(() => undefined);
    await clientCertificateManager.dispose();
  }
}

beforeAll(async () => {
  link = await prepareSecureOpcuaLink({
    gatewayId: GATEWAY_ID,
    gatewayPkiDir: join(dir, 'gateway', 'opcua-pki'),
    simulatorStateDir: join(dir, 'simulator'),
    secretsDir: join(dir, 'secrets'),
    port: await findFreePort(),
  });
  simulator = await startSimulator({ seed: 5, plant: { linesPerSite: 1 }, rate: 2, speed: 1, opcua: link.server, stateDir: join(dir, 'simulator') });
});

afterAll(async () => {
  await simulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the plant OPC UA server as the main job runs it', () => {
  it('serves the onboarded gateway: SignAndEncrypt, trusted certificates both ways, its password from the secret file', async () => {
    const parsed = parseOpcuaSourceConfig({
      endpointUrl: link.gateway.endpointUrl,
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Aes256_Sha256_RsaPss',
      pkiDir: link.gateway.pkiDir,
      applicationUri: link.gateway.applicationUri,
      userIdentity: { type: 'username', username: link.gateway.username, passwordFile: link.gateway.passwordFile },
      nodes: [{ nodeId: 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature', assetPath: 'acme/berlin/press-shop/line-1/compressor-1', signal: 'bearing_temperature' }],
      subscription: { publishingInterval: 100, samplingInterval: 0 },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const warnings: string[] = [];
    const source = new OpcuaSource(parsed.value, { instanceName: 'plant-opcua', stateDir: join(dir, 'gateway') }, { warn: (message) => warnings.push(message) });
    try {
      await source.connect();
      const deadline = AbortSignal.timeout(15_000);
      let batch = await source.read(deadline);
      while (batch.readings.length === 0) batch = await source.read(deadline);
      expect(batch.readings[0]).toMatchObject({ signal: 'bearing_temperature' });
      await batch.ack();
    } finally {
      await source.close();
    }
    expect(warnings).toEqual([]);
  });

  it('offers SignAndEncrypt endpoints only, with Basic256Sha256 and the two Aes policies', async () => {
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    try {
      await client.connect(link.gateway.endpointUrl);
      const endpoints = await client.getEndpoints();
      const offered = [...new Set(endpoints.map((e) => `${MessageSecurityMode[e.securityMode]}/${(e.securityPolicyUri ?? '').split('#')[1]}`))].sort();
      expect(offered).toEqual(['SignAndEncrypt/Aes128_Sha256_RsaOaep', 'SignAndEncrypt/Aes256_Sha256_RsaPss', 'SignAndEncrypt/Basic256Sha256']);
    } finally {
      await client.disconnect();
    }
  });

  it('refuses every unauthorised client: 0 of N accepted', async () => {
    const gatewayUser = (): UserIdentityInfo => ({ type: UserTokenType.UserName, userName: link.gateway.username, password: password() });
    const attempts: Attempt[] = [
      { name: 'security None, right user', securityMode: MessageSecurityMode.None, securityPolicy: SecurityPolicy.None, pki: 'gateway', user: gatewayUser() },
      { name: 'Sign without encryption, right user', securityMode: MessageSecurityMode.Sign, securityPolicy: SecurityPolicy.Basic256Sha256, pki: 'gateway', user: gatewayUser() },
      { name: 'deprecated Basic256, right user', securityMode: MessageSecurityMode.SignAndEncrypt, securityPolicy: SecurityPolicy.Basic256, pki: 'gateway', user: gatewayUser() },
      {
        name: 'untrusted client certificate, right user',
        securityMode: MessageSecurityMode.SignAndEncrypt,
        securityPolicy: SecurityPolicy.Basic256Sha256,
        pki: 'stranger',
        user: gatewayUser(),
      },
      {
        name: 'untrusted client certificate, Aes128 policy',
        securityMode: MessageSecurityMode.SignAndEncrypt,
        securityPolicy: SecurityPolicy.Aes128_Sha256_RsaOaep,
        pki: 'stranger',
        user: gatewayUser(),
      },
      {
        name: 'trusted certificate, wrong password',
        securityMode: MessageSecurityMode.SignAndEncrypt,
        securityPolicy: SecurityPolicy.Aes256_Sha256_RsaPss,
        pki: 'gateway',
        user: { type: UserTokenType.UserName, userName: link.gateway.username, password: 'not-the-password' },
      },
      {
        name: 'trusted certificate, unknown user',
        securityMode: MessageSecurityMode.SignAndEncrypt,
        securityPolicy: SecurityPolicy.Basic256Sha256,
        pki: 'gateway',
        user: { type: UserTokenType.UserName, userName: 'operator', password: password() },
      },
      {
        name: 'trusted certificate, anonymous user',
        securityMode: MessageSecurityMode.SignAndEncrypt,
        securityPolicy: SecurityPolicy.Aes128_Sha256_RsaOaep,
        pki: 'gateway',
        user: { type: UserTokenType.Anonymous },
      },
    ];
    const outcomes: Outcome[] = [];
    for (const spec of attempts) outcomes.push(await attempt(spec));
    const accepted = outcomes.filter((o) => o.accepted);
    console.log(
      [
        `OPC UA attack matrix: ${accepted.length} of ${outcomes.length} accepted`,
        ...outcomes.map((o) => `  ${o.accepted ? 'ACCEPTED' : 'refused '}  ${o.name}${o.refusal ? ` (${o.refusal})` : ''}`),
      ].join('\n'),
    );
    expect(accepted.map((o) => o.name)).toEqual([]);
    // Each refusal is the server's: an OPC UA status code, or (for a channel it will not open at all) the
    // server hanging up on the OpenSecureChannel request; never a client that gave up before asking.
    for (const outcome of outcomes) expect(outcome.refusal, outcome.name).toMatch(/^Bad\w+$|socket has been disconnected by third party/);
  });
});
