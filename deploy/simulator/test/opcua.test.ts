import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttributeIds,
  BrowseDirection,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  StatusCodes,
  UserTokenType,
  type ClientSession,
} from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../src/index';

const USER = { username: 'operator', password: 'correct horse' };

async function browseNames(session: ClientSession, nodeId: string): Promise<Map<string, string>> {
  const result = await session.browse({ nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences', includeSubtypes: true, resultMask: 63 });
  return new Map((result.references ?? []).map((reference) => [reference.browseName.name ?? '', reference.nodeId.toString()]));
}

describe('OPC UA server', () => {
  let simulator: SimulatorHandle;
  let stateDir: string;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'sim-opcua-'));
    simulator = await startSimulator({ seed: 9, rate: 5, opcua: { users: [USER] }, stateDir });
  });

  afterAll(async () => {
    await simulator?.stop();
  });

  async function withSession<T>(
    options: { securityMode?: MessageSecurityMode; securityPolicy?: SecurityPolicy; user?: typeof USER },
    use: (session: ClientSession) => Promise<T>,
  ): Promise<T> {
    const clientCertificateManager = new OPCUACertificateManager({ rootFolder: join(stateDir, 'client-pki'), automaticallyAcceptUnknownCertificate: true });
    const client = OPCUAClient.create({
      endpointMustExist: false,
      securityMode: options.securityMode ?? MessageSecurityMode.None,
      securityPolicy: options.securityPolicy ?? SecurityPolicy.None,
      clientCertificateManager,
      connectionStrategy: { maxRetry: 0 },
    });
    await client.connect(simulator.opcuaEndpoint ?? '');
    try {
      const session = await client.createSession(options.user ? { type: UserTokenType.UserName, userName: options.user.username, password: options.user.password } : undefined);
      try {
        return await use(session);
      } finally {
        await session.close();
      }
    } finally {
      await client.disconnect();
    }
  }

  it('keeps its certificate in a PKI folder under the state dir and names itself urn:fieldmesh:simulator', async () => {
    expect(simulator.opcuaEndpoint).toMatch(/^opc\.tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(simulator.opcuaCertificateFile?.startsWith(join(stateDir, 'pki'))).toBe(true);
    expect(existsSync(simulator.opcuaCertificateFile ?? '')).toBe(true);
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await client.connect(simulator.opcuaEndpoint ?? '');
    const endpoints = await client.getEndpoints();
    await client.disconnect();
    expect(new Set(endpoints.map((endpoint) => endpoint.server.applicationUri))).toEqual(new Set(['urn:fieldmesh:simulator']));
    const offered = new Set(endpoints.map((endpoint) => `${(endpoint.securityPolicyUri ?? '').split('#')[1]}/${MessageSecurityMode[endpoint.securityMode]}`));
    for (const policy of ['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']) {
      expect(offered).toContain(`${policy}/Sign`);
      expect(offered).toContain(`${policy}/SignAndEncrypt`);
    }
    expect(offered).toContain('None/None');
  });

  it('browses Objects/berlin/line-1/compressor-1 and reads values with EngineeringUnits, EURange and AssetPath', async () => {
    await withSession({}, async (session) => {
      const sites = await browseNames(session, 'ns=0;i=85');
      const lines = await browseNames(session, sites.get('berlin') ?? '');
      const assets = await browseNames(session, lines.get('line-1') ?? '');
      expect([...assets.keys()].sort()).toEqual(['compressor-1', 'conveyor-1', 'motor-1', 'pump-1']);
      const compressor = await browseNames(session, assets.get('compressor-1') ?? '');
      expect(compressor.get('bearing_temperature')).toBe('ns=1;s=berlin.line-1.compressor-1.bearing_temperature');
      expect((await session.read({ nodeId: compressor.get('AssetPath') ?? '', attributeId: AttributeIds.Value })).value.value).toBe('acme/berlin/press-shop/line-1/compressor-1');

      // Until the first sample the server answers BadWaitingForInitialData, as OPC UA prescribes.
      await expect
        .poll(async () => (await session.read({ nodeId: 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature', attributeId: AttributeIds.Value })).statusCode.name)
        .toBe('Good');
      const temperature = await browseNames(session, 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature');
      const [value, units, range] = await session.read([
        { nodeId: 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature', attributeId: AttributeIds.Value },
        { nodeId: temperature.get('EngineeringUnits') ?? '', attributeId: AttributeIds.Value },
        { nodeId: temperature.get('EURange') ?? '', attributeId: AttributeIds.Value },
      ]);
      expect(value?.statusCode).toBe(StatusCodes.Good);
      expect(value?.value.value).toBeGreaterThan(15);
      expect(value?.sourceTimestamp).toBeInstanceOf(Date);
      expect(units?.value.value.displayName.text).toBe('°C');
      expect(units?.value.value.unitId).toBe(4408652); // UNECE "CEL"
      expect(range?.value.value).toEqual(expect.objectContaining({ low: -20, high: 150 }));
    });
  });

  it('reports a stuck sensor as Uncertain and a dropout as Bad', async () => {
    simulator.injectFailure({ asset: 'line-1/pump-1', mode: 'stuck_sensor', signal: 'flow', durationSeconds: 60 });
    simulator.injectFailure({ asset: 'line-1/motor-1', mode: 'dropout', durationSeconds: 60 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await withSession({}, async (session) => {
      const [stuck, dropped] = await session.read([
        { nodeId: 'ns=1;s=berlin.line-1.pump-1.flow', attributeId: AttributeIds.Value },
        { nodeId: 'ns=1;s=berlin.line-1.motor-1.motor_current', attributeId: AttributeIds.Value },
      ]);
      expect(stuck?.statusCode).toBe(StatusCodes.UncertainLastUsableValue);
      expect(dropped?.statusCode.isBad()).toBe(true);
    });
    expect(simulator.labels().map((label) => label.mode)).toEqual(['stuck_sensor', 'dropout']);
  });

  it('serves SignAndEncrypt with Aes256_Sha256_RsaPss to a user with a password', async () => {
    const state = await withSession(
      { securityMode: MessageSecurityMode.SignAndEncrypt, securityPolicy: SecurityPolicy.Aes256_Sha256_RsaPss, user: USER },
      async (session) => (await session.read({ nodeId: 'ns=1;s=berlin.line-2.conveyor-1.state', attributeId: AttributeIds.Value })).value.value,
    );
    expect(['RUNNING', 'IDLE', 'STOPPED']).toContain(state);
  });

  it('refuses a wrong password', async () => {
    await expect(
      withSession({ securityMode: MessageSecurityMode.Sign, securityPolicy: SecurityPolicy.Basic256Sha256, user: { ...USER, password: 'wrong' } }, async () => 'in'),
    ).rejects.toThrow(/BadUserAccessDenied|BadIdentityTokenRejected|BadIdentityTokenInvalid/);
  });
});
