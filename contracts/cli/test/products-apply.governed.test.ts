import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TokenStore } from '@fieldmesh/auth';
import { createKafka } from '@fieldmesh/kafka';
import { createRegistryApp, type RunningRegistry } from '@fieldmesh/registry';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

// `fieldmesh products apply` against a governed registry, which refuses anonymous writes and lets only a
// governance lead set a subject's compatibility: the operator's token goes with the writes.
const BIN = join(REPO_ROOT, 'node_modules', '.bin', 'fieldmesh');
const brokers = inject('kafkaBrokers');
const id = randomUUID().slice(0, 8);
const names = { schemas: `_schemas_cli_apply_${id}`, audit: `_audit_cli_apply_${id}`, lineage: `_lineage_cli_apply_${id}` };
const topic = `test-${id}.plant.telemetry.raw.v1`;
const subject = `${topic}-value`;
let workDir: string;
let registry: RunningRegistry;
const tokens = { lead: '', owner: '' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the installed `fieldmesh` bin as an operator would, with `token` in FIELDMESH_TOKEN (if any) and not the stack's FIELDMESH_REGISTRY_TOKEN. */
async function apply(token: string | undefined, ...args: string[]): Promise<Run> {
  const env = { ...process.env, FIELDMESH_KAFKA_BROKERS: brokers, FIELDMESH_REGISTRY_URL: registry.url, FIELDMESH_TOKEN: token ?? '', FIELDMESH_REGISTRY_TOKEN: '' };
  try {
    const { stdout, stderr } = await promisify(execFile)(BIN, ['products', 'apply', '--root', workDir, ...args], { cwd: REPO_ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const subjectLevel = async () => (await fetch(`${registry.url}/config/${subject}`)).status;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'fieldmesh-cli-apply-governed-'));
  mkdirSync(join(workDir, 'contracts', 'plant-telemetry'), { recursive: true });
  cpSync(join(REPO_ROOT, 'schemas'), join(workDir, 'schemas'), { recursive: true });
  const text = readFileSync(join(REPO_ROOT, 'contracts', 'plant-telemetry', 'raw.yaml'), 'utf8');
  writeFileSync(join(workDir, 'contracts', 'plant-telemetry', 'raw.yaml'), text.replace('topic: plant.telemetry.raw.v1', `topic: ${topic}`));
  const tokensFile = join(workDir, 'tokens.json');
  const store = await TokenStore.open(tokensFile);
  tokens.lead = (await store.issue({ name: 'lin', role: 'governance-lead', domains: ['*'] })).token;
  tokens.owner = (await store.issue({ name: 'pia', role: 'domain-owner', domains: ['plant-telemetry'] })).token;
  registry = await createRegistryApp({
    brokers: brokers.split(','),
    topic: names.schemas,
    host: '127.0.0.1',
    port: 0,
    governance: { tokensFile, auditTopic: names.audit, lineageTopic: names.lineage },
  });
});

afterAll(async () => {
  await registry?.close();
  const admin = createKafka({ clientId: 'cli-apply-governed-test', brokers: brokers.split(',') }).admin();
  await admin.connect();
  await admin.deleteTopics([...Object.values(names), topic, `${topic}.dlq`]).catch(() => undefined);
  await admin.disconnect();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('fieldmesh products apply on a governed registry', () => {
  it('fails without a token, and with a token that may not set compatibility, saying who was refused', async () => {
    const anonymous = await apply(undefined);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stdout).toContain('Unauthorized: operation config:write needs a token');
    const owner = await apply(tokens.owner);
    expect(owner.code).toBe(1);
    expect(owner.stdout).toContain('User pia (role domain-owner) is denied operation config:write');
    expect(await subjectLevel()).toBe(404);
  });

  it("applies with a governance lead's token, from FIELDMESH_TOKEN or --token", async () => {
    const applied = await apply(tokens.lead);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/compatibility BACKWARD\w* set/);
    expect(((await (await fetch(`${registry.url}/config/${subject}`)).json()) as { compatibilityLevel: string }).compatibilityLevel).toMatch(/^BACKWARD/);
    const again = await apply(undefined, '--token', tokens.lead, '--json');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual([expect.objectContaining({ subject, compatibilityAction: 'unchanged', schemaAction: 'unchanged' })]);
  });
});
