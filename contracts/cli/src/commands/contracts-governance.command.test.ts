import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '@fieldmesh/auth';
import { loadContract } from '@fieldmesh/governance';
import { analyseProposal } from '@fieldmesh/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../cli';

const repoRoot = join(import.meta.dirname, '..', '..', '..', '..');
const fixtures = join(repoRoot, 'contracts', 'cli', 'test', 'fixtures', 'check');
const dirs: string[] = [];

function cli(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env, cwd: repoRoot } };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-cli-unit-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('fieldmesh tokens', () => {
  it('create prints the token once on stdout and stores only its hash; list shows who holds one', async () => {
    const file = join(tempDir(), 'tokens.json');
    const create = cli({ FIELDMESH_TOKENS_FILE: file });
    expect(await runCli(['tokens', 'create', '--name', 'energy-team', '--role', 'domain-owner', '--domain', 'energy', '--domain', 'plant'], create.io), create.err.join('\n')).toBe(
      0,
    );
    const token = create.out[0]!;
    expect(token).toMatch(/^fmt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(create.err.join('\n')).toContain('shown only this once');
    expect(readFileSync(file, 'utf8')).not.toContain(token.split('_')[2]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await TokenStore.open(file)).verify(token)).toMatchObject({ name: 'energy-team', role: 'domain-owner', domains: ['energy', 'plant'] });

    const list = cli();
    expect(await runCli(['tokens', 'list', '--tokens-file', file], list.io)).toBe(0);
    expect(list.out.join('\n')).toMatch(/ID\s+NAME\s+ROLE\s+DOMAINS\s+EXPIRES\n[0-9a-f]{8}\s+energy-team\s+domain-owner\s+energy, plant\s+never/);
    expect(list.out.join('\n')).not.toContain(token);
  });

  it('create --expires-in gives the token an expiry that list shows, and refuses a duration that is not ISO 8601', async () => {
    const file = join(tempDir(), 'tokens.json');
    const before = Date.now();
    const create = cli({ FIELDMESH_TOKENS_FILE: file });
    expect(await runCli(['tokens', 'create', '--name', 'ci', '--role', 'service', '--domain', '*', '--expires-in', 'PT8H', '--json'], create.io), create.err.join('\n')).toBe(0);
    const { principal } = JSON.parse(create.out.join('\n')) as { principal: { expiresAt: string } };
    expect(Date.parse(principal.expiresAt) - before).toBeGreaterThanOrEqual(8 * 3_600_000);
    expect(Date.parse(principal.expiresAt) - before).toBeLessThan(8 * 3_600_000 + 60_000);

    const list = cli({ FIELDMESH_TOKENS_FILE: file });
    expect(await runCli(['tokens', 'list'], list.io)).toBe(0);
    expect(list.out.join('\n')).toMatch(new RegExp(`DOMAINS\\s+EXPIRES\\n[0-9a-f]{8}\\s+ci\\s+service\\s+\\*\\s+${principal.expiresAt.replaceAll('.', '\\.')}$`));

    const wrong = cli({ FIELDMESH_TOKENS_FILE: file });
    expect(await runCli(['tokens', 'create', '--name', 'x', '--role', 'analyst', '--expires-in', '90 days'], wrong.io)).toBe(2);
    expect(wrong.err.join('\n')).toContain("--expires-in: '90 days' is not an ISO 8601 duration");
  });

  it('rotate prints a new token for the same holder and the old one stops verifying', async () => {
    const file = join(tempDir(), 'tokens.json');
    const store = await TokenStore.open(file);
    const old = await store.issue({ name: 'energy-team', role: 'domain-owner', domains: ['energy'] });
    const rotate = cli({ FIELDMESH_TOKENS_FILE: file });
    expect(await runCli(['tokens', 'rotate', old.principal.tokenId], rotate.io), rotate.err.join('\n')).toBe(0);
    const token = rotate.out[0]!;
    expect(rotate.err.join('\n')).toMatch(new RegExp(`^Rotated token ${old.principal.tokenId} to [0-9a-f]{8} for energy-team .*never expires.*shown only this once`));
    expect(store.verify(token)).toMatchObject({ name: 'energy-team', role: 'domain-owner', domains: ['energy'] });
    expect(store.verify(old.token)).toBeUndefined();

    const again = cli({ FIELDMESH_TOKENS_FILE: file });
    expect(await runCli(['tokens', 'rotate', old.principal.tokenId], again.io)).toBe(1);
    expect(again.err.join('\n')).toContain(`No token with id ${old.principal.tokenId}`);
  });

  it('refuses an unknown role naming the field, and a missing tokens file with exit 2', async () => {
    const file = join(tempDir(), 'tokens.json');
    const wrong = cli();
    expect(await runCli(['tokens', 'create', '--tokens-file', file, '--name', 'x', '--role', 'superuser'], wrong.io)).toBe(1);
    expect(wrong.err.join('\n')).toContain('role');
    const missing = cli();
    expect(await runCli(['tokens', 'list'], missing.io)).toBe(2);
    expect(missing.err.join('\n')).toContain('--tokens-file <file> or set FIELDMESH_TOKENS_FILE');
  });
});

describe('fieldmesh contracts asyncapi', () => {
  it('prints the AsyncAPI document as YAML and writes JSON to a file', async () => {
    const env = { FIELDMESH_KAFKA_BROKERS: '127.0.0.1:9092', FIELDMESH_REGISTRY_URL: 'http://127.0.0.1:8081' };
    const printed = cli(env);
    expect(await runCli(['contracts', 'asyncapi'], printed.io), printed.err.join('\n')).toBe(0);
    const document = parseYaml(printed.out.join('\n')) as { asyncapi: string; channels: Record<string, { address: string }> };
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.values(document.channels).map((c) => c.address)).toContain('asset-health.anomaly-scores.v1');

    const out = join(tempDir(), 'asyncapi.json');
    const written = cli(env);
    expect(await runCli(['contracts', 'asyncapi', '--out', out], written.io)).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(document);
  });

  it('says which address is missing', async () => {
    const run = cli({ FIELDMESH_REGISTRY_URL: 'http://127.0.0.1:8081' });
    expect(await runCli(['contracts', 'asyncapi'], run.io)).toBe(2);
    expect(run.err.join('\n')).toContain('FIELDMESH_KAFKA_BROKERS');
  });
});

describe('fieldmesh contracts diff', () => {
  it('prints the changelog of two contract files and exits 0 even when breaking', async () => {
    const run = cli();
    const file = (checkout: string) => join(fixtures, checkout, 'contracts', 'plant', 'readings.yaml');
    expect(await runCli(['contracts', 'diff', file('base'), file('breaking')], run.io), run.err.join('\n')).toBe(0);
    expect(run.out.join('\n')).toContain('~ field value: type double -> string');
  });
});

/** A stand-in for the registry's /contracts API: records requests, answers from a table. */
interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

describe('remote contract commands', () => {
  let server: Server;
  let registryUrl: string;
  const requests: Recorded[] = [];
  const base = loadContract(join(fixtures, 'base', 'contracts', 'plant', 'readings.yaml'), join(fixtures, 'base'));
  const next = loadContract(join(fixtures, 'compatible', 'contracts', 'plant', 'readings.yaml'), join(fixtures, 'compatible'));
  const proposal = {
    proposalId: 'p-1',
    contractId: 'plant.readings',
    version: '1.1.0',
    status: 'proposed',
    proposedBy: 'energy-team',
    proposedAt: '2026-11-22T00:00:00.000Z',
    contract: next.contract,
    schema: next.avroSchema,
    analysis: analyseProposal([{ contract: base.contract, schema: base.avroSchema }], { contract: next.contract, schema: next.avroSchema }),
  };

  async function body(request: IncomingMessage): Promise<unknown> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    return text ? JSON.parse(text) : undefined;
  }

  beforeAll(async () => {
    server = createServer((request, response) => {
      void body(request).then((parsed) => {
        requests.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization, body: parsed });
        const reply = (status: number, json: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        if (request.headers.authorization === 'Bearer analyst-token' && request.method === 'POST') {
          return reply(403, { error_code: 40301, message: 'User ana (role analyst) is denied operation contract:review on plant' });
        }
        if (request.method === 'POST' && request.url === '/contracts/proposals') return reply(200, proposal);
        if (request.method === 'POST' && request.url === '/contracts/baseline') {
          const { contract } = parsed as { contract: { id: string; version: string; kafka: { topic: string } } };
          return reply(200, { id: contract.id, topic: contract.kafka.topic, versions: [{ version: contract.version, status: 'approved', proposalId: null }] });
        }
        if (request.method === 'GET' && request.url?.startsWith('/contracts/proposals?')) return reply(200, [proposal]);
        if (request.method === 'GET' && request.url === '/contracts/proposals/p-1') return reply(200, proposal);
        if (request.method === 'POST' && request.url === '/contracts/proposals/p-1/approve') {
          return reply(200, { ...proposal, status: 'approved', decidedBy: 'lead', decidedAt: '2026-11-22T00:01:00.000Z', comment: (parsed as { comment?: string }).comment });
        }
        if (request.method === 'GET' && request.url === '/contracts/plant.readings') {
          return reply(200, {
            id: 'plant.readings',
            domain: 'plant',
            dataProduct: 'readings',
            topic: 'plant.readings.v1',
            subject: 'plant.readings.v1-value',
            owner: base.contract.owner,
            versions: [
              { version: '1.0.0', status: 'approved', proposalId: null },
              { version: '1.1.0', status: 'proposed', proposalId: 'p-1' },
            ],
            history: [
              {
                eventId: 'e1',
                type: 'BASELINED',
                contractId: 'plant.readings',
                version: '1.0.0',
                proposalId: null,
                by: 'lead',
                role: 'governance-lead',
                at: '2026-11-21T00:00:00.000Z',
                comment: null,
                subject: 'plant.readings.v1-value',
              },
            ],
          });
        }
        return reply(404, { error_code: 40401, message: `no route ${request.method} ${request.url}` });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    registryUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('propose sends the contract and its Avro schema with the bearer token and prints the analysis', async () => {
    const run = cli({ FIELDMESH_REGISTRY_URL: registryUrl, FIELDMESH_TOKEN: 'owner-token' });
    expect(await runCli(['contracts', 'propose', join(fixtures, 'compatible', 'contracts', 'plant', 'readings.yaml')], run.io), run.err.join('\n')).toBe(0);
    const sent = requests.at(-1)!;
    expect(sent).toMatchObject({ method: 'POST', url: '/contracts/proposals', authorization: 'Bearer owner-token' });
    expect(sent.body).toEqual({ contract: next.contract, schema: next.avroSchema });
    expect(run.out.join('\n')).toContain('Proposal p-1: plant.readings 1.1.0 (proposed)');
    expect(run.out.join('\n')).toContain('+ field quality: null | double = null');
  });

  it('baseline records every contract of a checkout as an approved version', async () => {
    const run = cli({ FIELDMESH_REGISTRY_URL: registryUrl, FIELDMESH_TOKEN: 'lead-token' });
    expect(await runCli(['contracts', 'baseline', '--root', join(fixtures, 'base')], run.io), run.err.join('\n')).toBe(0);
    expect(requests.at(-1)).toMatchObject({
      method: 'POST',
      url: '/contracts/baseline',
      authorization: 'Bearer lead-token',
      body: { contract: base.contract, schema: base.avroSchema },
    });
    expect(run.out.join('\n')).toMatch(/plant\.readings\s+plant\.readings\.v1\s+1\.0\.0 approved/);
  });

  it("sends FIELDMESH_REGISTRY_TOKEN when neither --token nor FIELDMESH_TOKEN names one, and a person's token before it", async () => {
    const fallback = cli({ FIELDMESH_REGISTRY_URL: registryUrl, FIELDMESH_REGISTRY_TOKEN: 'lead-token' });
    expect(await runCli(['contracts', 'baseline', '--root', join(fixtures, 'base')], fallback.io), fallback.err.join('\n')).toBe(0);
    expect(requests.at(-1)).toMatchObject({ url: '/contracts/baseline', authorization: 'Bearer lead-token' });
    const person = cli({ FIELDMESH_REGISTRY_URL: registryUrl, FIELDMESH_TOKEN: 'owner-token', FIELDMESH_REGISTRY_TOKEN: 'lead-token' });
    expect(await runCli(['contracts', 'propose', join(fixtures, 'compatible', 'contracts', 'plant', 'readings.yaml')], person.io), person.err.join('\n')).toBe(0);
    expect(requests.at(-1)).toMatchObject({ url: '/contracts/proposals', authorization: 'Bearer owner-token' });
  });

  it('review list and show print the queue and one proposal', async () => {
    const list = cli({ FIELDMESH_REGISTRY_URL: registryUrl });
    expect(await runCli(['contracts', 'review', 'list'], list.io)).toBe(0);
    expect(requests.at(-1)!.url).toBe('/contracts/proposals?status=proposed');
    expect(list.out.join('\n')).toMatch(/p-1\s+plant\.readings\s+1\.1\.0\s+proposed\s+no\s+energy-team/);
    const show = cli({ FIELDMESH_REGISTRY_URL: registryUrl });
    expect(await runCli(['contracts', 'review', 'show', 'p-1'], show.io)).toBe(0);
    expect(show.out.join('\n')).toContain("Compatible under FULL (the contract's compatibility mode)");
  });

  it('approve sends the comment; status shows versions and the audit history', async () => {
    const approve = cli({ FIELDMESH_REGISTRY_URL: registryUrl, FIELDMESH_TOKEN: 'lead-token' });
    expect(await runCli(['contracts', 'approve', 'p-1', '--comment', 'additive'], approve.io)).toBe(0);
    expect(requests.at(-1)).toMatchObject({ url: '/contracts/proposals/p-1/approve', authorization: 'Bearer lead-token', body: { comment: 'additive' } });
    expect(approve.out.join('\n')).toContain('Approved by lead at 2026-11-22T00:01:00.000Z: "additive"');
    const status = cli({ FIELDMESH_REGISTRY_URL: registryUrl });
    expect(await runCli(['contracts', 'status', 'plant.readings'], status.io)).toBe(0);
    expect(status.out.join('\n')).toContain('Versions: 1.0.0 approved, 1.1.0 proposed');
    expect(status.out.join('\n')).toMatch(/2026-11-21T00:00:00.000Z\s+BASELINED\s+1\.0\.0\s+lead\s+governance-lead/);
  });

  it("prints the registry's refusal with its message and exits 1", async () => {
    const run = cli({ FIELDMESH_REGISTRY_URL: registryUrl, FIELDMESH_TOKEN: 'analyst-token' });
    expect(await runCli(['contracts', 'approve', 'p-1'], run.io)).toBe(1);
    expect(run.err.join('\n')).toContain('User ana (role analyst) is denied operation contract:review on plant (HTTP 403, error_code 40301');
  });

  it('reject needs a comment (exit 2) and says so before calling the registry', async () => {
    const before = requests.length;
    const run = cli({ FIELDMESH_REGISTRY_URL: registryUrl, FIELDMESH_TOKEN: 'lead-token' });
    expect(await runCli(['contracts', 'reject', 'p-1'], run.io)).toBe(2);
    expect(run.err.join('\n')).toContain('a rejection needs --comment');
    expect(requests.length).toBe(before);
  });

  it('says the registry cannot be reached and how to point at it', async () => {
    const run = cli({ FIELDMESH_REGISTRY_URL: 'http://127.0.0.1:1' });
    expect(await runCli(['contracts', 'status'], run.io)).toBe(1);
    expect(run.err.join('\n')).toContain('Cannot reach the registry: GET http://127.0.0.1:1/contracts failed');
  });
});
