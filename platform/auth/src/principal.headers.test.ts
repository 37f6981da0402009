import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccessDenied, Unauthenticated } from './errors';
import { authorize, principalFromHeaders } from './principal.headers';
import { TokenStore } from './token.store';

let directory: string;
let store: TokenStore;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'fieldmesh-auth-'));
  store = await TokenStore.open(join(directory, 'tokens.json'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

const basic = (userInfo: string) => `Basic ${Buffer.from(userInfo).toString('base64')}`;

describe('principalFromHeaders', () => {
  it('accepts a Bearer token, whatever the scheme case', async () => {
    const { token, principal } = await store.issue({ name: 'ada', role: 'domain-owner', domains: ['asset-health'] });
    expect(principalFromHeaders(store, `Bearer ${token}`)).toEqual(principal);
    expect(principalFromHeaders(store, `bearer ${token}`)).toEqual(principal);
  });

  it("accepts Basic auth with the token as password, as Confluent clients' basic.auth.user.info sends it", async () => {
    const { token, principal } = await store.issue({ name: 'ci', role: 'service', domains: ['*'] });
    expect(principalFromHeaders(store, basic(`anyone:${token}`))).toEqual(principal);
    expect(principalFromHeaders(store, basic(`:${token}`))).toEqual(principal);
  });

  it('returns nothing for a missing header, another scheme, a Basic value without a password or a wrong token', async () => {
    const { token } = await store.issue({ name: 'ci', role: 'service', domains: ['*'] });
    expect(principalFromHeaders(store, undefined)).toBeUndefined();
    expect(principalFromHeaders(store, `Token ${token}`)).toBeUndefined();
    expect(principalFromHeaders(store, token)).toBeUndefined();
    expect(principalFromHeaders(store, basic(token))).toBeUndefined();
    expect(principalFromHeaders(store, basic(`user:${token}x`))).toBeUndefined();
  });
});

describe('authorize', () => {
  it('returns the principal when the role and domain allow the action', async () => {
    const { token, principal } = await store.issue({ name: 'ada', role: 'domain-owner', domains: ['asset-health'] });
    expect(authorize(store, `Bearer ${token}`, 'contract:propose', { domain: 'asset-health' })).toEqual(principal);
  });

  it('says Unauthorized, and how to get a token, when there is none or it is not accepted', () => {
    expect(() => authorize(store, undefined, 'schema:delete')).toThrow(Unauthenticated);
    expect(() => authorize(store, undefined, 'schema:delete')).toThrow(
      "Unauthorized: operation schema:delete needs a token and none was sent. Send 'Authorization: Bearer <token>'",
    );
    expect(() => authorize(store, 'Bearer fmt_00000000_nope', 'schema:delete')).toThrow(/^Unauthorized: the token is malformed, unknown or revoked/);
  });

  it('says the token expired, when, and how to replace it, once its expiry has passed', async () => {
    const { token, principal } = await store.issue({ name: 'ada', role: 'domain-owner', domains: ['asset-health'], expiresAt: new Date(Date.now() + 60_000) });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    try {
      expect(() => authorize(store, `Bearer ${token}`, 'contract:propose', { domain: 'asset-health' })).toThrow(
        `Unauthorized: token ${principal.tokenId} of ada expired at ${principal.expiresAt}; ask for a new one (\`fieldmesh tokens rotate ${principal.tokenId}\`)`,
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('names the user, role, operation and resource when access is denied', async () => {
    const { token } = await store.issue({ name: 'ada', role: 'domain-owner', domains: ['asset-health'] });
    const attempt = () => authorize(store, `Bearer ${token}`, 'contract:propose', { domain: 'energy', resource: 'energy.consumption-15m' });
    expect(attempt).toThrow(AccessDenied);
    expect(attempt).toThrow('User ada (role domain-owner) is denied operation contract:propose on energy.consumption-15m');
  });
});
