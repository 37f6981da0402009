import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKafka } from '@fieldmesh/kafka';
import { createRegistryApp, type RunningRegistry } from '@fieldmesh/registry';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const BIN = join(REPO_ROOT, 'node_modules', '.bin', 'fieldmesh');
const FIXTURES = join(REPO_ROOT, 'contracts', 'cli', 'test', 'fixtures', 'check');
const brokers = inject('kafkaBrokers');
const SUBJECT = 'plant.readings.v1-value';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let workDir: string;
let tokensFile: string;
let registry: RunningRegistry;
const topics: string[] = [];

/** Runs the installed `fieldmesh` bin against the governed registry, acting with `token` (if any). */
async function fieldmesh(token: string | undefined, ...args: string[]): Promise<Run> {
  // Only the token given: not the stack registry's, which the workers' FIELDMESH_REGISTRY_TOKEN holds.
  const env = { ...process.env, FIELDMESH_REGISTRY_URL: registry.url, FIELDMESH_TOKENS_FILE: tokensFile, FIELDMESH_TOKEN: token ?? '', FIELDMESH_REGISTRY_TOKEN: '' };
  try {
    const { stdout, stderr } = await promisify(execFile)(BIN, args, { cwd: REPO_ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function issue(name: string, role: string, ...domains: string[]): Promise<string> {
  const run = await fieldmesh(undefined, 'tokens', 'create', '--name', name, '--role', role, ...domains.flatMap((domain) => ['--domain', domain]));
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim();
}

/** Registers a schema on the product's subject as a registry client would. */
async function register(token: string, schemaFile: string): Promise<{ status: number; body: { id?: number; error_code?: number; message?: string } }> {
  const response = await fetch(`${registry.url}/subjects/${SUBJECT}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ schema: readFileSync(schemaFile, 'utf8') }),
  });
  return { status: response.status, body: (await response.json()) as { id?: number; error_code?: number; message?: string } };
}

const contractIn = (checkout: string) => join(FIXTURES, checkout, 'contracts', 'plant', 'readings.yaml');
const schemaIn = (checkout: string) => join(FIXTURES, checkout, 'schemas', 'plant', 'Reading.avsc');

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'fieldmesh-cli-governance-'));
  tokensFile = join(workDir, 'tokens.json');
  const id = randomUUID().slice(0, 8);
  const names = { schemas: `_schemas_cli_${id}`, audit: `_audit_cli_${id}`, lineage: `_lineage_cli_${id}` };
  topics.push(...Object.values(names));
  registry = await createRegistryApp({
    brokers: brokers.split(','),
    topic: names.schemas,
    host: '127.0.0.1',
    port: 0,
    governance: { tokensFile, auditTopic: names.audit, lineageTopic: names.lineage },
  });
  // The breaking change proposed as a later version than the approved one.
  cpSync(join(FIXTURES, 'breaking'), join(workDir, 'breaking'), { recursive: true });
  const breaking = join(workDir, 'breaking', 'contracts', 'plant', 'readings.yaml');
  writeFileSync(breaking, readFileSync(breaking, 'utf8').replace('version: 1.1.0', 'version: 1.2.0'));
});

afterAll(async () => {
  await registry?.close();
  const admin = createKafka({ clientId: 'cli-governance-test', brokers: brokers.split(',') }).admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics(topics.filter((topic) => existing.has(topic)));
  await admin.disconnect();
  rmSync(workDir, { recursive: true, force: true });
});

describe('fieldmesh contracts propose, review, approve and reject against a governed registry', () => {
  it('takes a proposal through review to registration, and a rejected one is refused naming the contract', async () => {
    const lead = await issue('lead', 'governance-lead', '*');
    const owner = await issue('olga', 'domain-owner', 'plant');
    const analyst = await issue('ana', 'analyst', '*');

    // The approved version the repository starts from.
    const baseline = await fieldmesh(lead, 'contracts', 'baseline', '--root', join(FIXTURES, 'base'));
    expect(baseline.code, baseline.stderr).toBe(0);
    expect(baseline.stdout).toMatch(/plant\.readings\s+plant\.readings\.v1\s+1\.0\.0 approved/);
    expect((await register(lead, schemaIn('base'))).status).toBe(200);

    const proposed = await fieldmesh(owner, 'contracts', 'propose', contractIn('compatible'), '--json');
    expect(proposed.code, proposed.stderr).toBe(0);
    const { proposalId } = JSON.parse(proposed.stdout) as { proposalId: string };

    const queue = await fieldmesh(analyst, 'contracts', 'review', 'list');
    expect(queue.code, queue.stderr).toBe(0);
    expect(queue.stdout).toMatch(new RegExp(`${proposalId}\\s+plant\\.readings\\s+1\\.1\\.0\\s+proposed\\s+no\\s+olga`));
    const shown = await fieldmesh(analyst, 'contracts', 'review', 'show', proposalId);
    expect(shown.stdout).toContain('+ field quality: null | double = null');

    // Not approved yet: the registry refuses the new schema.
    expect((await register(lead, schemaIn('compatible'))).body.error_code).toBe(42205);

    const denied = await fieldmesh(analyst, 'contracts', 'approve', proposalId);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('User ana (role analyst) is denied operation contract:review');

    const approved = await fieldmesh(lead, 'contracts', 'approve', proposalId, '--comment', 'additive, with a default');
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain('Approved by lead');
    expect((await register(lead, schemaIn('compatible'))).status).toBe(200);

    const breaking = await fieldmesh(owner, 'contracts', 'propose', join(workDir, 'breaking', 'contracts', 'plant', 'readings.yaml'));
    expect(breaking.code, breaking.stderr).toBe(0);
    expect(breaking.stdout).toContain("BREAKING under FULL (the contract's compatibility mode):");
    const breakingId = /Proposal (\S+):/.exec(breaking.stdout)![1]!;
    const rejected = await fieldmesh(lead, 'contracts', 'reject', breakingId, '--comment', 'status is still read by the sink');
    expect(rejected.code, rejected.stderr).toBe(0);
    const refused = await register(lead, join(workDir, 'breaking', 'schemas', 'plant', 'Reading.avsc'));
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('contract plant.readings version 1.2.0 was rejected by lead (governance-lead)');
    expect(refused.body.message).toContain('"status is still read by the sink"');

    const deprecated = await fieldmesh(owner, 'contracts', 'deprecate', 'plant.readings', '1.0.0', '--comment', 'use 1.1.0');
    expect(deprecated.code, deprecated.stderr).toBe(0);
    expect(deprecated.stdout).toBe('plant.readings: 1.0.0 deprecated, 1.1.0 approved, 1.2.0 draft\n');
    expect((await fieldmesh(lead, 'contracts', 'retire', 'plant.readings', '1.0.0', '--comment', 'no consumer left')).code).toBe(0);

    const status = await fieldmesh(analyst, 'contracts', 'status', 'plant.readings');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('Versions: 1.0.0 retired, 1.1.0 approved, 1.2.0 draft');
    expect(status.stdout).toMatch(/REJECTED\s+1\.2\.0\s+lead\s+governance-lead\s+status is still read by the sink/);
  });
});
