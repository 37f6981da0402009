import { describe, expect, it } from 'vitest';
import { opcuaSourceConfigSchema, parseOpcuaSourceConfig } from './config';

const minimal = {
  endpointUrl: 'opc.tcp://127.0.0.1:4840',
  nodes: [{ nodeId: 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature', assetPath: 'acme/berlin/press-shop/line-1/compressor-1', signal: 'bearing_temperature' }],
};

function problemsOf(input: unknown) {
  const result = parseOpcuaSourceConfig(input);
  if (result.ok) throw new Error('expected the config to be refused');
  return result.problems;
}

describe('OPC UA source config', () => {
  it('fills in secure-by-default settings: SignAndEncrypt with Basic256Sha256, no auto-trust, anonymous, subscription defaults', () => {
    const result = parseOpcuaSourceConfig(minimal);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Basic256Sha256',
      allowSecurityNone: false,
      userIdentity: { type: 'anonymous' },
      subscription: { publishingInterval: 1000, samplingInterval: 500, queueSize: 10, discardOldest: true },
    });
  });

  it('refuses the deprecated Basic128Rsa15 and Basic256 policies and names the replacements', () => {
    for (const policy of ['Basic128Rsa15', 'Basic256']) {
      const problems = problemsOf({ ...minimal, securityMode: 'SignAndEncrypt', securityPolicy: policy });
      expect(problems).toContainEqual({ path: 'securityPolicy', message: expect.stringMatching(new RegExp(`${policy} is deprecated.*Basic256Sha256.*Aes256_Sha256_RsaPss`)) });
    }
  });

  it('accepts each supported policy with a signing mode', () => {
    for (const securityPolicy of ['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']) {
      expect(parseOpcuaSourceConfig({ ...minimal, securityMode: 'Sign', securityPolicy }).ok).toBe(true);
    }
  });

  it('refuses securityMode None unless allowSecurityNone accepts it explicitly', () => {
    expect(problemsOf({ ...minimal, securityMode: 'None', securityPolicy: 'None' })).toEqual([
      { path: 'securityMode', message: expect.stringMatching(/securityMode None .* is refused; use SignAndEncrypt .* or set allowSecurityNone: true/) },
    ]);
    expect(parseOpcuaSourceConfig({ ...minimal, securityMode: 'None', securityPolicy: 'None', allowSecurityNone: true }).ok).toBe(true);
  });

  it('takes the password from a file, an environment variable or inline, exactly one of them', () => {
    const user = (extra: Record<string, unknown>) => ({ ...minimal, userIdentity: { type: 'username', username: 'gateway', ...extra } });
    expect(parseOpcuaSourceConfig(user({ passwordFile: '/run/secrets/opcua' })).ok).toBe(true);
    expect(parseOpcuaSourceConfig(user({ passwordEnv: 'FIELDMESH_OPCUA_PASSWORD' })).ok).toBe(true);
    expect(parseOpcuaSourceConfig(user({ password: 's3cret' })).ok).toBe(true);
    expect(problemsOf(user({}))).toEqual([{ path: 'userIdentity.passwordFile', message: 'give the password as passwordFile, passwordEnv or password' }]);
    expect(problemsOf(user({ password: 'a', passwordFile: '/run/secrets/opcua' }))).toEqual([
      { path: 'userIdentity.passwordFile', message: 'give the password once, not as password and passwordFile' },
    ]);
    expect(problemsOf(user({ passwordEnv: 'not a name' }))).toContainEqual({ path: 'userIdentity.passwordEnv', message: expect.stringContaining('environment variable name') });
  });

  it('refuses a security mode without a matching policy', () => {
    expect(problemsOf({ ...minimal, securityMode: 'SignAndEncrypt', securityPolicy: 'None' })).toContainEqual({
      path: 'securityPolicy',
      message: expect.stringContaining('SignAndEncrypt needs a securityPolicy'),
    });
    expect(problemsOf({ ...minimal, securityMode: 'None', allowSecurityNone: true, securityPolicy: 'Basic256Sha256' })).toContainEqual({
      path: 'securityPolicy',
      message: expect.stringContaining('None needs securityPolicy None'),
    });
  });

  it('names every bad field of a broken config', () => {
    const problems = problemsOf({
      endpointUrl: 'http://plant:4840',
      nodes: [{ nodeId: 'berlin.line-1', assetPath: '', signal: 'flow' }],
      deadband: { type: 'percent', value: 150 },
      subscription: { keepAliveCount: 30, lifetimeCount: 60 },
      userIdentity: { type: 'username', username: 'gateway' },
    });
    expect(problems.map((p) => p.path).sort()).toEqual([
      'deadband.value',
      'endpointUrl',
      'nodes.0.assetPath',
      'nodes.0.nodeId',
      'subscription.lifetimeCount',
      'userIdentity.passwordFile',
    ]);
  });

  it('needs nodes or a browse', () => {
    expect(problemsOf({ endpointUrl: minimal.endpointUrl })).toContainEqual({ path: 'nodes', message: expect.stringContaining('nothing is read') });
    expect(parseOpcuaSourceConfig({ endpointUrl: minimal.endpointUrl, browse: {} }).ok).toBe(true);
  });

  it('refuses an asset path template that names no browse level', () => {
    expect(problemsOf({ endpointUrl: minimal.endpointUrl, browse: { assetPathTemplate: 'acme/{site}/{area}/{line}/{asset}' } })).toContainEqual({
      path: 'browse.assetPathTemplate',
      message: expect.stringContaining('{area} is not a browse level'),
    });
  });

  it('describes every field with an example, for the generated docs and JSON Schema', () => {
    const schema = opcuaSourceConfigSchema.toJSONSchema({ io: 'input' }) as { properties: Record<string, { description?: string; examples?: unknown[] }> };
    for (const [name, field] of Object.entries(schema.properties)) {
      expect(field.description, name).toBeTruthy();
      expect(field.examples, name).toBeDefined();
    }
  });
});
