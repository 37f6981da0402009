import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '@fieldmesh/auth';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRegistryApp, type RunningRegistry } from '../src/index';
import { CONTENT_TYPE, deleteTopics, uniqueTopic } from './registry.harness';

// Tokens stop working when they expire, and a rotated token's old value stops working at once, on a
// governed registry that keeps running while the tokens file changes (as the CLI changes it).
const brokers = inject('kafkaBrokers');
const run = randomUUID().slice(0, 8);
const schemaTopic = uniqueTopic();
const auditTopic = `_fieldmesh.contract-audit.tokens-${run}`;
let directory: string;
let tokens: TokenStore;
let registry: RunningRegistry;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'fieldmesh-token-lifetime-'));
  const tokensFile = join(directory, 'tokens.json');
  tokens = await TokenStore.open(tokensFile);
  registry = await createRegistryApp({
    brokers: brokers.split(','),
    topic: schemaTopic,
    host: '127.0.0.1',
    port: 0,
    governance: { tokensFile, auditTopic, lineageTopic: `_fieldmesh.lineage.tokens-${run}` },
  });
});

afterAll(async () => {
  await registry?.close();
  await deleteTopics(brokers, [schemaTopic, auditTopic]);
  await rm(directory, { recursive: true, force: true });
});

/** A write only a governance lead may make: setting the global compatibility level. */
async function writeConfig(token: string): Promise<{ status: number; body: { error_code?: number; message?: string } }> {
  const response = await fetch(`${registry.url}/config`, {
    method: 'PUT',
    headers: { 'content-type': CONTENT_TYPE, authorization: `Bearer ${token}` },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  return { status: response.status, body: (await response.json()) as { error_code?: number; message?: string } };
}

describe('token lifetime on a governed registry', () => {
  it('accepts a token until it expires, then answers 401 saying it expired and how to replace it', async () => {
    const { token, principal } = await tokens.issue({ name: `lead-${run}`, role: 'governance-lead', domains: ['*'], expiresAt: new Date(Date.now() + 1_500) });
    expect((await writeConfig(token)).status).toBe(200);
    await expect.poll(async () => (await writeConfig(token)).status, { timeout: 10_000, interval: 250 }).toBe(401);
    expect((await writeConfig(token)).body).toEqual({
      error_code: 40101,
      message: expect.stringContaining(`Unauthorized: token ${principal.tokenId} of lead-${run} expired at ${principal.expiresAt}; ask for a new one`),
    });
  });

  it('refuses the old token as soon as it is rotated, and accepts the new one', async () => {
    const old = await tokens.issue({ name: `rotating-lead-${run}`, role: 'governance-lead', domains: ['*'] });
    expect((await writeConfig(old.token)).status).toBe(200);
    // Rotated through a second store, as `fieldmesh tokens rotate` does while the registry runs.
    const rotated = await (await TokenStore.open(tokens.file)).rotate(old.principal.tokenId);
    expect(await writeConfig(old.token)).toEqual({ status: 401, body: { error_code: 40101, message: expect.stringContaining('the token is malformed, unknown or revoked') } });
    expect((await writeConfig(rotated.token)).status).toBe(200);
  });
});
