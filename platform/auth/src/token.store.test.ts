import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenNotFound, TokenRequestInvalid, TokenStoreInvalid } from './errors';
import { createToken, TokenStore } from './token.store';

let directory: string;
let file: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'fieldmesh-auth-'));
  file = join(directory, 'nested', 'tokens.json');
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(directory, { recursive: true, force: true });
});

const HOUR = 3_600_000;
/** Moves the store's clock (Date only; file I/O keeps its real timers). */
const clockAt = (time: number) => vi.useFakeTimers({ toFake: ['Date'], now: time });

describe('TokenStore', () => {
  it('creates an empty store file with mode 0600 when none exists', async () => {
    const store = await TokenStore.open(file);
    expect(store.list()).toEqual([]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ tokens: [] });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('issues a token in the documented format that verifies to its principal', async () => {
    const store = await TokenStore.open(file);
    const { token, principal } = await store.issue({ name: 'ada', role: 'domain-owner', domains: ['asset-health'] });
    expect(token).toMatch(/^fmt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(principal).toEqual({ tokenId: token.slice(4, 12), name: 'ada', role: 'domain-owner', domains: ['asset-health'] });
    expect(store.verify(token)).toEqual(principal);
    expect(store.list()).toEqual([principal]);
  });

  it('keeps only a sha256 of the secret at rest, in a file only its owner can read', async () => {
    const store = await TokenStore.open(file);
    const { token } = await store.issue({ name: 'ci', role: 'service', domains: ['*'] });
    const text = await readFile(file, 'utf8');
    const secret = token.slice(13);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);
    const [record] = JSON.parse(text).tokens;
    expect(record).toEqual({ id: token.slice(4, 12), name: 'ci', role: 'service', domains: ['*'], sha256: expect.stringMatching(/^[0-9a-f]{64}$/), createdAt: expect.any(String) });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a tampered, unknown or malformed token', async () => {
    const store = await TokenStore.open(file);
    const { token } = await store.issue({ name: 'lead', role: 'governance-lead', domains: ['*'] });
    const lastChar = token.at(-1) === 'A' ? 'B' : 'A';
    expect(store.verify(token.slice(0, -1) + lastChar)).toBeUndefined();
    expect(store.verify(`fmt_00000000_${token.slice(13)}`)).toBeUndefined();
    expect(store.verify(token.slice(0, -1))).toBeUndefined();
    expect(store.verify('')).toBeUndefined();
    expect(store.verify(token)).toBeDefined();
  });

  it('refuses a revoked token and says when the id is unknown', async () => {
    const store = await TokenStore.open(file);
    const kept = await store.issue({ name: 'kept', role: 'analyst', domains: [] });
    const revoked = await store.issue({ name: 'gone', role: 'analyst', domains: [] });
    await store.revoke(revoked.principal.tokenId);
    expect(store.verify(revoked.token)).toBeUndefined();
    expect(store.verify(kept.token)).toEqual(kept.principal);
    await expect(store.revoke(revoked.principal.tokenId)).rejects.toBeInstanceOf(TokenNotFound);
  });

  it('sees a token another store instance (e.g. the CLI) issued, and a revocation, without reopening', async () => {
    const registry = await TokenStore.open(file);
    const cli = await TokenStore.open(file);
    const { token, principal } = await cli.issue({ name: 'ops', role: 'operator', domains: ['asset-health'] });
    expect(registry.verify(token)).toEqual(principal);
    await cli.revoke(principal.tokenId);
    expect(registry.verify(token)).toBeUndefined();
  });

  it('keeps tokens issued concurrently by two instances and by one instance', async () => {
    const one = await TokenStore.open(file);
    const two = await TokenStore.open(file);
    await one.issue({ name: 'a', role: 'analyst', domains: [] });
    await two.issue({ name: 'b', role: 'analyst', domains: [] });
    await Promise.all([one.issue({ name: 'c', role: 'analyst', domains: [] }), one.issue({ name: 'd', role: 'analyst', domains: [] })]);
    expect(
      two
        .list()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd']);
  });

  it('accepts a token until its expiry, then refuses it as expired, in every store sharing the file', async () => {
    const start = Date.now();
    clockAt(start);
    const cli = await TokenStore.open(file);
    const { token, principal } = await cli.issue({ name: 'ci', role: 'service', domains: ['*'], expiresAt: new Date(start + HOUR) });
    expect(principal.expiresAt).toBe(new Date(start + HOUR).toISOString());
    const registry = await TokenStore.open(file);
    clockAt(start + HOUR - 1);
    expect(registry.verify(token)).toEqual(principal);
    clockAt(start + HOUR);
    expect(registry.verify(token)).toBeUndefined();
    expect(registry.check(token)).toEqual({ status: 'expired', principal, expiredAt: principal.expiresAt });
    expect(JSON.parse(await readFile(file, 'utf8')).tokens[0].expiresAt).toBe(principal.expiresAt);
  });

  it('refuses to issue a token that has already expired', async () => {
    const store = await TokenStore.open(file);
    await expect(store.issue({ name: 'x', role: 'analyst', domains: [], expiresAt: new Date(Date.now() - 1) })).rejects.toMatchObject({
      constructor: TokenRequestInvalid,
      problems: [{ path: 'expiresAt', message: expect.stringContaining('must be in the future') }],
    });
  });

  it('rotates a token: the new one works for the same holder, the old one is refused at once by every store', async () => {
    const registry = await TokenStore.open(file);
    const cli = await TokenStore.open(file);
    const old = await cli.issue({ name: 'ada', role: 'domain-owner', domains: ['asset-health'] });
    const kept = await cli.issue({ name: 'ops', role: 'operator', domains: ['asset-health'] });
    const rotated = await cli.rotate(old.principal.tokenId);
    expect(rotated.token).not.toBe(old.token);
    expect(rotated.principal).toEqual({ tokenId: expect.not.stringMatching(old.principal.tokenId), name: 'ada', role: 'domain-owner', domains: ['asset-health'] });
    expect(registry.verify(rotated.token)).toEqual(rotated.principal);
    expect(registry.verify(old.token)).toBeUndefined();
    expect(registry.verify(kept.token)).toEqual(kept.principal);
    expect(registry.list().map((p) => p.name)).toEqual(['ada', 'ops']);
    await expect(cli.rotate(old.principal.tokenId)).rejects.toBeInstanceOf(TokenNotFound);
  });

  it('gives a rotated token the lifetime the old one was issued for, or the expiry asked for', async () => {
    const start = Date.now();
    clockAt(start);
    const store = await TokenStore.open(file);
    const old = await store.issue({ name: 'ci', role: 'service', domains: ['*'], expiresAt: new Date(start + 8 * HOUR) });
    clockAt(start + 2 * HOUR);
    expect((await store.rotate(old.principal.tokenId)).principal.expiresAt).toBe(new Date(start + 10 * HOUR).toISOString());
    const [current] = store.list();
    const asked = new Date(start + 3 * HOUR);
    expect((await store.rotate(current!.tokenId, { expiresAt: asked })).principal.expiresAt).toBe(asked.toISOString());
  });

  it('admits a token generated beforehand once, so a service that rewrites its store keeps its tokens', async () => {
    const token = createToken();
    const store = await TokenStore.open(file);
    const principal = await store.admit(token, { name: 'stack-service', role: 'service', domains: ['*'] });
    expect(principal).toEqual({ tokenId: token.slice(4, 12), name: 'stack-service', role: 'service', domains: ['*'] });
    await store.admit(token, { name: 'stack-service', role: 'service', domains: ['*'] });
    expect(store.list()).toEqual([principal]);
    expect(store.verify(token)).toEqual(principal);
    expect(await readFile(file, 'utf8')).not.toContain(token.slice(13));
  });

  it('refuses to admit a malformed token, or one whose id another token holds', async () => {
    const store = await TokenStore.open(file);
    await expect(store.admit('secret', { name: 'x', role: 'service', domains: ['*'] })).rejects.toMatchObject({
      constructor: TokenRequestInvalid,
      problems: [expect.objectContaining({ path: 'token' })],
    });
    const { token } = await store.issue({ name: 'ci', role: 'service', domains: ['*'] });
    const sameId = `${token.slice(0, 13)}${createToken().slice(13)}`;
    await expect(store.admit(sameId, { name: 'x', role: 'service', domains: ['*'] })).rejects.toThrow(`its id ${token.slice(4, 12)} belongs to another token`);
  });

  it("extends a token's expiry, keeping the token, for a holder that renews it as a lease", async () => {
    const start = Date.now();
    clockAt(start);
    const store = await TokenStore.open(file);
    const { token, principal } = await store.issue({ name: 'run', role: 'governance-lead', domains: ['*'], expiresAt: new Date(start + 10 * 60_000) });
    clockAt(start + 9 * 60_000);
    const extended = await store.extend(principal.tokenId, new Date(start + 19 * 60_000));
    expect(extended).toEqual({ ...principal, expiresAt: new Date(start + 19 * 60_000).toISOString() });
    clockAt(start + 15 * 60_000);
    expect(store.verify(token)).toEqual(extended);
    clockAt(start + 19 * 60_000);
    expect(store.check(token)).toMatchObject({ status: 'expired' });
    await expect(store.extend('0badc0de', new Date(start + 60 * 60_000))).rejects.toBeInstanceOf(TokenNotFound);
    await expect(store.extend(principal.tokenId, new Date(start))).rejects.toBeInstanceOf(TokenRequestInvalid);
  });

  it('rejects an invalid token request naming the field', async () => {
    const store = await TokenStore.open(file);
    await expect(store.issue({ name: 'x', role: 'boss' as never, domains: [] })).rejects.toMatchObject({
      constructor: TokenRequestInvalid,
      problems: [expect.objectContaining({ path: 'role' })],
    });
    await expect(store.issue({ name: 'x', role: 'domain-owner', domains: ['Asset Health'] })).rejects.toMatchObject({
      problems: [expect.objectContaining({ path: 'domains.0' })],
    });
    await expect(store.issue({ name: 'x', role: 'domain-owner', domains: [] })).rejects.toMatchObject({
      problems: [{ path: 'domains', message: expect.stringContaining('at least one') }],
    });
  });

  it('refuses a tokens file with a bad field, naming the file and the field', async () => {
    const bad = join(directory, 'bad.json');
    const record = { id: 'xyz', name: 'a', role: 'analyst', domains: [], sha256: 'ab', createdAt: 'now' };
    await writeFile(bad, JSON.stringify({ tokens: [record] }), { mode: 0o600 });
    const error = await TokenStore.open(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenStoreInvalid);
    const invalid = error as TokenStoreInvalid;
    expect(invalid.file).toBe(bad);
    expect(invalid.problems.map((p) => p.path)).toEqual(['tokens.0.id', 'tokens.0.sha256', 'tokens.0.createdAt']);
    expect(invalid.message).toContain(bad);
    expect(invalid.message).toContain('tokens.0.sha256');
  });

  it('refuses a tokens file that is not JSON', async () => {
    const broken = join(directory, 'broken.json');
    await writeFile(broken, '{ tokens: ', { mode: 0o600 });
    await expect(TokenStore.open(broken)).rejects.toMatchObject({ constructor: TokenStoreInvalid, problems: [expect.objectContaining({ path: '(root)' })] });
  });

  it('refuses a tokens file other users can read, and says to chmod it', async () => {
    const open = join(directory, 'open.json');
    await writeFile(open, '{"tokens":[]}');
    await chmod(open, 0o644);
    await expect(TokenStore.open(open)).rejects.toThrow(`chmod 600 ${open}`);
  });
});
