import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Role, roles, TokenStore } from '@fieldmesh/auth';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRegistryApp, type RunningRegistry } from '../src/index';
import { type ApiResponse, CONTENT_TYPE, deleteTopics, uniqueTopic } from './registry.harness';

// Each role can do exactly what it should, over HTTP against a governed registry: one row per operation,
// one column per caller. The issue: "a token for one domain cannot propose for another; an analyst cannot
// approve"; read-only endpoints stay anonymous for plain Confluent clients.
//   200 allowed   401 no token (error_code 40101)   403 role or domain refuses (error_code 40301)
// The domain owner and the operator hold tokens for 'asset-health' only; the other roles for every domain.
type Caller = 'anonymous' | Role;
type Outcome = 200 | 401 | 403;
const callers: readonly Caller[] = ['anonymous', ...roles];

const allowed = (...who: Caller[]): Record<Caller, Outcome> =>
  Object.fromEntries(callers.map((caller) => [caller, who.includes(caller) ? 200 : caller === 'anonymous' ? 401 : 403])) as Record<Caller, Outcome>;
const everyone = Object.fromEntries(callers.map((caller) => [caller, 200])) as Record<Caller, Outcome>;

const expectations = {
  'register a schema in its own domain': allowed('domain-owner', 'governance-lead', 'service'),
  'register a schema in another domain': allowed('governance-lead', 'service'),
  'delete a subject': allowed('governance-lead'),
  'delete a subject version': allowed('governance-lead'),
  'write a subject compatibility config': allowed('governance-lead'),
  'write the global compatibility config': allowed('governance-lead'),
  'register an unapproved schema with the emergency override': allowed('governance-lead'),
  'baseline an approved contract version': allowed('governance-lead'),
  'propose a contract version in its own domain': allowed('domain-owner'),
  'propose a contract version in another domain': allowed(),
  'approve a proposal': allowed('governance-lead'),
  'reject a proposal': allowed('governance-lead'),
  'deprecate a contract version in its own domain': allowed('domain-owner', 'governance-lead'),
  'deprecate a contract version in another domain': allowed('governance-lead'),
  'retire a contract version in its own domain': allowed('domain-owner', 'governance-lead'),
  'read subjects': everyone,
  'read a schema by id': everyone,
  'read the compatibility config': everyone,
  'look a schema up under a subject': everyone,
  'test compatibility against the latest version': everyone,
  'read contracts': everyone,
  'read proposals': everyone,
  'read a proposal': everyone,
  'read the audit log': everyone,
} satisfies Record<string, Record<Caller, Outcome>>;
type Operation = keyof typeof expectations;

const brokers = inject('kafkaBrokers');
const run = randomUUID().slice(0, 8);
const schemaTopic = uniqueTopic();
const auditTopic = `_fieldmesh.contract-audit.roles-${run}`;
const lineageTopic = `_fieldmesh.lineage.roles-${run}`;
const OWN = 'asset-health';
const OTHER = 'energy';

let directory: string;
let registry: RunningRegistry;
const tokens = new Map<Caller, string | undefined>([['anonymous', undefined]]);
const names = new Map<Caller, string>();

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'fieldmesh-roles-'));
  const tokensFile = join(directory, 'tokens.json');
  const store = await TokenStore.open(tokensFile);
  for (const role of roles) {
    const domains = role === 'domain-owner' || role === 'operator' ? [OWN] : ['*'];
    const issued = await store.issue({ name: `${role}-${run}`, role, domains });
    tokens.set(role, issued.token);
    names.set(role, issued.principal.name);
  }
  registry = await createRegistryApp({ brokers: brokers.split(','), topic: schemaTopic, host: '127.0.0.1', port: 0, governance: { tokensFile, auditTopic, lineageTopic } });
});

afterAll(async () => {
  await registry?.close();
  await deleteTopics(brokers, [schemaTopic, auditTopic]);
  await rm(directory, { recursive: true, force: true });
});

async function call(caller: Caller, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const token = tokens.get(caller);
  const response = await fetch(`${registry.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': CONTENT_TYPE }), ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
}

/** Set-up calls that must succeed, made as the role allowed to make them. */
async function as(caller: Caller, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const response = await call(caller, method, path, body);
  expect(response.status, `set-up ${method} ${path} as ${caller}: ${JSON.stringify(response.body)}`).toBe(200);
  return response;
}

let sequence = 0;
const schema = (...extraFields: object[]) => ({
  type: 'record',
  name: 'Probe',
  namespace: 'fieldmesh.test',
  fields: [{ name: 'assetId', type: 'string' }, { name: 'value', type: 'double' }, ...extraFields],
});
const unapprovedField = { name: 'note', type: 'string', default: '' };

/** A fresh data contract (its own product and topic) in `domain`, so each cell acts on its own target. */
function contract(domain: string, version = '1.0.0') {
  const product = `roles-${run}-${++sequence}`;
  return {
    apiVersion: 'fieldmesh.dev/v1',
    kind: 'DataContract',
    id: `${domain}.${product}`,
    version,
    status: 'active',
    domain,
    dataProduct: product,
    description: { purpose: 'A product made up by the role × action test.' },
    owner: { team: domain, contact: `${domain}@fieldmesh.example` },
    schema: { type: 'avro', ref: `schemas/${domain}/Probe.avsc` },
    kafka: { topic: `${domain}.${product}.v1`, partitions: 1, replicationFactor: 1, key: 'assetId' },
    compatibility: 'BACKWARD',
    retention: { kafka: 'P7D', warehouse: 'P30D' },
    slos: { freshness: { maxAge: 'PT1M' }, completeness: { minRatio: 0.9, window: 'PT5M' } },
    fields: {
      assetId: { description: 'The asset the value belongs to.', classification: 'internal' },
      value: { description: 'The measured value.', unit: 'mm/s', classification: 'public' },
    },
  };
}

const freshSubject = (domain: string) => `${domain}.roles-${run}-${++sequence}.v1-value`;
const registerBody = (...extraFields: object[]) => ({ schema: JSON.stringify(schema(...extraFields)) });

async function registeredSubject(domain = OWN): Promise<{ subject: string; id: number }> {
  const subject = freshSubject(domain);
  const { body } = await as('governance-lead', 'POST', `/subjects/${subject}/versions`, registerBody());
  return { subject, id: body.id };
}

async function baselined(domain = OWN) {
  const version = contract(domain);
  await as('governance-lead', 'POST', '/contracts/baseline', { contract: version, schema: schema() });
  return version;
}

async function proposal(): Promise<string> {
  const { body } = await as('domain-owner', 'POST', '/contracts/proposals', { contract: contract(OWN), schema: schema() });
  return body.proposalId;
}

/** Each operation prepares its own target (as a role allowed to), then makes the request as `caller`. */
const operations: Record<Operation, (caller: Caller) => Promise<ApiResponse>> = {
  'register a schema in its own domain': (caller) => call(caller, 'POST', `/subjects/${freshSubject(OWN)}/versions`, registerBody()),
  'register a schema in another domain': (caller) => call(caller, 'POST', `/subjects/${freshSubject(OTHER)}/versions`, registerBody()),
  'delete a subject': async (caller) => call(caller, 'DELETE', `/subjects/${(await registeredSubject()).subject}`),
  'delete a subject version': async (caller) => call(caller, 'DELETE', `/subjects/${(await registeredSubject()).subject}/versions/1`),
  'write a subject compatibility config': async (caller) => call(caller, 'PUT', `/config/${(await registeredSubject()).subject}`, { compatibility: 'FULL' }),
  'write the global compatibility config': (caller) => call(caller, 'PUT', '/config', { compatibility: 'BACKWARD' }),
  'register an unapproved schema with the emergency override': async (caller) => {
    const governed = await baselined(OWN);
    return call(caller, 'POST', `/subjects/${governed.kafka.topic}-value/versions`, registerBody(unapprovedField), {
      'X-Fieldmesh-Emergency-Override': 'line 3 stopped: consumers need the new field now',
    });
  },
  'baseline an approved contract version': (caller) => call(caller, 'POST', '/contracts/baseline', { contract: contract(OWN), schema: schema() }),
  'propose a contract version in its own domain': (caller) => call(caller, 'POST', '/contracts/proposals', { contract: contract(OWN), schema: schema() }),
  'propose a contract version in another domain': (caller) => call(caller, 'POST', '/contracts/proposals', { contract: contract(OTHER), schema: schema() }),
  'approve a proposal': async (caller) => call(caller, 'POST', `/contracts/proposals/${await proposal()}/approve`, { comment: 'fields documented, retention fits' }),
  'reject a proposal': async (caller) => call(caller, 'POST', `/contracts/proposals/${await proposal()}/reject`, { comment: 'unit missing on value' }),
  'deprecate a contract version in its own domain': async (caller) => {
    const version = await baselined(OWN);
    return call(caller, 'POST', `/contracts/${version.id}/versions/${version.version}/deprecate`, { comment: 'replaced by v2' });
  },
  'deprecate a contract version in another domain': async (caller) => {
    const version = await baselined(OTHER);
    return call(caller, 'POST', `/contracts/${version.id}/versions/${version.version}/deprecate`, { comment: 'replaced by v2' });
  },
  'retire a contract version in its own domain': async (caller) => {
    const version = await baselined(OWN);
    await as('governance-lead', 'POST', `/contracts/${version.id}/versions/${version.version}/deprecate`, { comment: 'replaced by v2' });
    return call(caller, 'POST', `/contracts/${version.id}/versions/${version.version}/retire`, { comment: 'no consumer left' });
  },
  'read subjects': (caller) => call(caller, 'GET', '/subjects'),
  'read a schema by id': async (caller) => call(caller, 'GET', `/schemas/ids/${(await registeredSubject()).id}`),
  'read the compatibility config': (caller) => call(caller, 'GET', '/config'),
  'look a schema up under a subject': async (caller) => call(caller, 'POST', `/subjects/${(await registeredSubject()).subject}`, registerBody()),
  'test compatibility against the latest version': async (caller) =>
    call(caller, 'POST', `/compatibility/subjects/${(await registeredSubject()).subject}/versions/latest`, registerBody(unapprovedField)),
  'read contracts': (caller) => call(caller, 'GET', '/contracts'),
  'read proposals': (caller) => call(caller, 'GET', '/contracts/proposals?status=proposed'),
  'read a proposal': async (caller) => call(caller, 'GET', `/contracts/proposals/${await proposal()}`),
  'read the audit log': (caller) => call(caller, 'GET', '/contracts/audit'),
};

const cells = (Object.keys(expectations) as Operation[]).flatMap((operation) => callers.map((caller) => ({ operation, caller, outcome: expectations[operation][caller] })));

describe('role × action on a governed registry', () => {
  it.each(cells)('$caller: $operation → $outcome', async ({ operation, caller, outcome }) => {
    const response = await operations[operation](caller);
    const detail = `${caller} ${operation}: ${JSON.stringify(response.body).slice(0, 400)}`;
    expect(response.status, detail).toBe(outcome);
    if (outcome === 401) expect(response.body, detail).toEqual({ error_code: 40101, message: expect.stringMatching(/^Unauthorized: /) });
    if (outcome === 403) {
      expect(response.body, detail).toEqual({ error_code: 40301, message: expect.stringContaining(`User ${names.get(caller)} (role ${caller}) is denied operation `) });
    }
  });
});

describe('plain Confluent clients against a governed registry', () => {
  it('read anonymously and register with the token as basic auth password, as basic.auth.user.info sends it', async () => {
    const subject = freshSubject(OWN);
    const withToken = new SchemaRegistry({ host: registry.url, auth: { username: 'ingest', password: tokens.get('service')! } });
    // updateConfig: false, as @fieldmesh/serde does: a subject's compatibility comes from its contract and
    // writing it is config:write, which a service token does not hold.
    const { id } = await withToken.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema()) }, { subject, updateConfig: false });
    const anonymous = new SchemaRegistry({ host: registry.url });
    expect(await anonymous.getLatestSchemaId(subject)).toBe(id);
    const encoded = await withToken.encode(id, { assetId: 'press-7', value: 4.2 });
    expect(await anonymous.decode(encoded)).toEqual({ assetId: 'press-7', value: 4.2 });
  });

  it('cannot register without a token: 401 with error code 40101', async () => {
    const anonymous = new SchemaRegistry({ host: registry.url });
    const attempt = anonymous.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema()) }, { subject: freshSubject(OWN) });
    await expect(attempt).rejects.toMatchObject({ status: 401 });
    await expect(attempt).rejects.toThrow(/Unauthorized/);
  });
});
