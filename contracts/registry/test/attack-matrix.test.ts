import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '@fieldmesh/auth';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRegistryApp, type RunningRegistry } from '../src/index';
import { CONTENT_TYPE, deleteTopics, uniqueTopic } from './registry.harness';

// Unauthorised attempts over a real governed registry (the issue's attack matrix): anonymous writes, what a
// web page in an operator's browser can send (a cross-site "simple request" with credentials the browser
// remembers, a DNS-rebound Host), expired, revoked, rotated and tampered tokens, a domain owner writing
// another domain, anyone but a governance lead changing compatibility. Each attempt must be refused, and
// must change nothing: an attempt counts as accepted when it answers 2xx or its write is visible afterwards.
const brokers = inject('kafkaBrokers');
const run = randomUUID().slice(0, 8);
const schemaTopic = uniqueTopic();
const auditTopic = `_fieldmesh.contract-audit.attack-${run}`;
const lineageTopic = `_fieldmesh.lineage.attack-${run}`;
const OWN = 'asset-health';
const OTHER = 'energy';

type Holder = 'lead' | 'owner' | 'service' | 'analyst' | 'operator' | 'expiredLead' | 'expiredService' | 'revokedLead' | 'revokedService' | 'rotatedService';
const tokens = {} as Record<Holder, string>;
let directory: string;
let registry: RunningRegistry;

interface Answer {
  status: number;
  // The registry's answers are read as a REST client reads them; typing each adds nothing here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One HTTP request with exactly these headers (fetch adds a Content-Type to a string body and will not send a Host of our choosing). */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${registry.url}${path}`,
      { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const bearer = (holder: Holder) => ({ authorization: `Bearer ${tokens[holder]}` });
/** What a browser sends on its own once the user has typed the token into a Basic auth prompt for the registry. */
const rememberedBasic = (holder: Holder) => ({ authorization: `Basic ${Buffer.from(`${holder}:${tokens[holder]}`).toString('base64')}` });
const json = (body: unknown) => JSON.stringify(body);

/** A JSON call as a well-behaved client makes it: the registry's media type, the given credentials. */
const call = (method: string, path: string, credentials: Record<string, string>, body?: unknown) =>
  send(method, path, { ...credentials, ...(body === undefined ? {} : { 'content-type': CONTENT_TYPE }) }, body === undefined ? undefined : json(body));

async function setUp(method: string, path: string, body?: unknown): Promise<Answer> {
  const answer = await call(method, path, bearer('lead'), body);
  expect(answer.status, `set-up ${method} ${path}: ${json(answer.body)}`).toBe(200);
  return answer;
}

let sequence = 0;
const schema = (...extraFields: object[]) => ({
  type: 'record',
  name: 'Probe',
  namespace: 'fieldmesh.test',
  fields: [{ name: 'assetId', type: 'string' }, { name: 'value', type: 'double' }, ...extraFields],
});
const extraField = { name: 'note', type: 'string', default: '' };
const registration = (...extraFields: object[]) => ({ schema: json(schema(...extraFields)) });
const freshSubject = (domain: string) => `${domain}.attack-${run}-${++sequence}.v1-value`;

function contract(domain: string) {
  const product = `attack-${run}-${++sequence}`;
  return {
    apiVersion: 'fieldmesh.dev/v1',
    kind: 'DataContract',
    id: `${domain}.${product}`,
    version: '1.0.0',
    status: 'active',
    domain,
    dataProduct: product,
    description: { purpose: 'A product made up by the attack matrix.' },
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

// The targets: a subject of the owner's domain (registered by the lead), contracts baselined in both
// domains (their subjects are governed: only approved schemas register), and a proposal awaiting review.
let ownSubject: string;
let governedOwn: ReturnType<typeof contract>;
let governedOther: ReturnType<typeof contract>;
let proposalId: string;

const subjects = async (): Promise<string[]> => (await call('GET', '/subjects', {})).body;
const versionsOf = async (subject: string): Promise<number[]> => {
  const answer = await call('GET', `/subjects/${subject}/versions`, {});
  return answer.status === 200 ? answer.body : [];
};
const globalLevel = async (): Promise<string> => (await call('GET', '/config', {})).body.compatibilityLevel;
const subjectLevel = async (subject: string): Promise<string | undefined> => {
  const answer = await call('GET', `/config/${subject}`, {});
  return answer.status === 200 ? answer.body.compatibilityLevel : undefined;
};
const proposalStatus = async (id: string): Promise<string> => (await call('GET', `/contracts/proposals/${id}`, {})).body.status;
const versionStatuses = async (id: string): Promise<string[]> => (await call('GET', `/contracts/${id}`, {})).body.versions.map((version: { status: string }) => version.status);

/** An attempt: the request, and whether its write shows afterwards (read anonymously, as any client can). */
interface Attempt {
  name: string;
  attempt: () => Promise<Answer>;
  changed: () => Promise<boolean>;
}

/** A registration under `subject`: accepted if answered 2xx or the subject has more versions after it. */
function registers(
  name: string,
  subject: () => string,
  headers: () => Record<string, string>,
  body: unknown = registration(),
  raw?: (body: string) => Record<string, string>,
): Attempt {
  let target = '';
  let before: number[] = [];
  return {
    name,
    attempt: async () => {
      target = subject();
      before = await versionsOf(target);
      return raw ? send('POST', `/subjects/${target}/versions`, { ...headers(), ...raw(json(body)) }, json(body)) : call('POST', `/subjects/${target}/versions`, headers(), body);
    },
    changed: async () => (await versionsOf(target)).length !== before.length,
  };
}

/** A compatibility change: accepted if answered 2xx or the level read afterwards differs from before. */
function setsCompatibility(name: string, method: 'PUT' | 'DELETE', path: () => string, headers: () => Record<string, string>, level: () => Promise<string | undefined>): Attempt {
  let before: string | undefined;
  return {
    name,
    attempt: async () => {
      before = await level();
      return call(method, path(), headers(), method === 'PUT' ? { compatibility: 'NONE' } : undefined);
    },
    changed: async () => (await level()) !== before,
  };
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'fieldmesh-registry-attack-'));
  const tokensFile = join(directory, 'tokens.json');
  const store = await TokenStore.open(tokensFile);
  const issue = async (holder: Holder, role: Parameters<TokenStore['issue']>[0]['role'], domains: string[], expiresAt?: Date) =>
    (tokens[holder] = (await store.issue({ name: `${holder}-${run}`, role, domains, ...(expiresAt ? { expiresAt } : {}) })).token);
  await issue('lead', 'governance-lead', ['*']);
  await issue('owner', 'domain-owner', [OWN]);
  await issue('service', 'service', ['*']);
  await issue('analyst', 'analyst', ['*']);
  await issue('operator', 'operator', [OWN]);
  const takenAway = new Map<Holder, string>();
  for (const holder of ['revokedLead', 'revokedService', 'rotatedService'] as const) {
    const issued = await store.issue({ name: `${holder}-${run}`, role: holder === 'revokedLead' ? 'governance-lead' : 'service', domains: ['*'] });
    tokens[holder] = issued.token;
    takenAway.set(holder, issued.principal.tokenId);
  }
  registry = await createRegistryApp({ brokers: brokers.split(','), topic: schemaTopic, host: '127.0.0.1', port: 0, governance: { tokensFile, auditTopic, lineageTopic } });

  ownSubject = freshSubject(OWN);
  await setUp('POST', `/subjects/${ownSubject}/versions`, registration());
  governedOwn = contract(OWN);
  governedOther = contract(OTHER);
  for (const version of [governedOwn, governedOther]) await setUp('POST', '/contracts/baseline', { contract: version, schema: schema() });
  const proposed = await call('POST', '/contracts/proposals', bearer('owner'), { contract: contract(OWN), schema: schema() });
  expect(proposed.status, json(proposed.body)).toBe(200);
  proposalId = proposed.body.proposalId;

  const soon = new Date(Date.now() + 3_000);
  await issue('expiredLead', 'governance-lead', ['*'], soon);
  await issue('expiredService', 'service', ['*'], soon);
  // Every token above works until taken away: the attempts below are refused for what they are, not by accident.
  for (const holder of ['revokedLead', 'expiredLead'] as const) expect((await call('PUT', '/config', bearer(holder), { compatibility: 'BACKWARD' })).status).toBe(200);
  for (const holder of ['revokedService', 'rotatedService', 'expiredService'] as const)
    expect((await call('POST', `/subjects/${freshSubject(OWN)}/versions`, bearer(holder), registration())).status).toBe(200);
  // Then taken away, as `fieldmesh tokens revoke` and `rotate` do while the registry runs.
  await store.revoke(takenAway.get('revokedLead')!);
  await store.revoke(takenAway.get('revokedService')!);
  await store.rotate(takenAway.get('rotatedService')!);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, soon.getTime() - Date.now() + 100)));
}, 60_000);

afterAll(async () => {
  await registry?.close();
  await deleteTopics(brokers, [schemaTopic, auditTopic]);
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('attacks on a governed registry', () => {
  it('lets a governance lead and the service do their jobs (the matrix below can fail)', async () => {
    expect((await call('POST', `/subjects/${freshSubject(OTHER)}/versions`, bearer('service'), registration())).status).toBe(200);
    expect((await call('POST', `/subjects/${freshSubject(OWN)}/versions`, rememberedBasic('owner'), registration())).status).toBe(200);
    const subject = freshSubject(OWN);
    await setUp('POST', `/subjects/${subject}/versions`, registration());
    await setUp('PUT', `/config/${subject}`, { compatibility: 'FULL' });
    expect(await subjectLevel(subject)).toBe('FULL');
    // What the checks below read before and after each attempt.
    expect(await versionStatuses(governedOther.id)).toEqual(['approved']);
    expect(await proposalStatus(proposalId)).toBe('proposed');
    expect(await versionsOf(ownSubject)).toEqual([1]);
  });

  it('refuses every unauthorised attempt: 0 of N accepted', async () => {
    const none = () => ({});
    const plainText = (body: string) => ({ 'content-type': 'text/plain;charset=UTF-8', 'content-length': String(body.length) });
    const attempts: Attempt[] = [
      // Anonymous writes: every write endpoint without a token.
      registers('anonymous: register a schema under a new subject', () => freshSubject(OWN), none),
      registers('anonymous: register a new version of an existing subject', () => ownSubject, none, registration(extraField)),
      setsCompatibility('anonymous: set the global compatibility', 'PUT', () => '/config', none, globalLevel),
      setsCompatibility(
        'anonymous: set a subject’s compatibility',
        'PUT',
        () => `/config/${ownSubject}`,
        none,
        () => subjectLevel(ownSubject),
      ),
      setsCompatibility('anonymous: delete the global compatibility', 'DELETE', () => '/config', none, globalLevel),
      {
        name: 'anonymous: delete a subject',
        attempt: () => call('DELETE', `/subjects/${ownSubject}`, {}),
        changed: async () => !(await subjects()).includes(ownSubject),
      },
      {
        name: 'anonymous: delete a subject version',
        attempt: () => call('DELETE', `/subjects/${ownSubject}/versions/1`, {}),
        changed: async () => !(await versionsOf(ownSubject)).includes(1),
      },
      {
        name: 'anonymous: baseline a contract',
        attempt: () => call('POST', '/contracts/baseline', {}, { contract: contract(OWN), schema: schema() }),
        changed: async () => false,
      },
      {
        name: 'anonymous: approve a proposal',
        attempt: () => call('POST', `/contracts/proposals/${proposalId}/approve`, {}, { comment: 'fine' }),
        changed: async () => (await proposalStatus(proposalId)) !== 'proposed',
      },
      // A page on any site, in a browser that remembers a lead's credentials for the registry: a form or a
      // no-preflight fetch can only send text/plain, a form encoding or no type at all.
      registers(
        'cross-site text/plain POST registering, with a lead’s remembered credentials',
        () => freshSubject(OWN),
        () => rememberedBasic('lead'),
        registration(),
        plainText,
      ),
      registers(
        'cross-site text/plain POST of a new version of a governed subject, with a lead’s remembered credentials',
        () => `${governedOwn.kafka.topic}-value`,
        () => rememberedBasic('lead'),
        registration(extraField),
        plainText,
      ),
      registers(
        'cross-site form POST registering, with a lead’s remembered credentials',
        () => freshSubject(OWN),
        () => rememberedBasic('lead'),
        registration(),
        (body) => ({ 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) }),
      ),
      registers(
        'cross-site POST without a Content-Type, with a lead’s remembered credentials',
        () => freshSubject(OWN),
        () => rememberedBasic('lead'),
        registration(),
        (body) => ({ 'content-length': String(body.length) }),
      ),
      {
        name: 'cross-site text/plain POST approving a proposal, with a lead’s remembered credentials',
        attempt: () => send('POST', `/contracts/proposals/${proposalId}/approve`, { ...rememberedBasic('lead'), 'content-type': 'text/plain' }, json({ comment: 'fine' })),
        changed: async () => (await proposalStatus(proposalId)) !== 'proposed',
      },
      // DNS rebinding: the attacker's own name resolves to this machine; the browser sends it as Host.
      registers(
        'wrong Host: register with a service token',
        () => freshSubject(OWN),
        () => ({ ...bearer('service'), host: `attacker.example:${registry.port}` }),
      ),
      setsCompatibility(
        'wrong Host: set the global compatibility with a lead token',
        'PUT',
        () => '/config',
        () => ({ ...bearer('lead'), host: `attacker.example:${registry.port}` }),
        globalLevel,
      ),
      {
        name: 'wrong Host: read the subjects',
        attempt: () => send('GET', '/subjects', { host: `rebound.attacker.example:${registry.port}` }),
        changed: async () => false,
      },
      {
        name: 'wrong Host: a loopback-looking name (localhost.attacker.example) approving a proposal',
        attempt: () => call('POST', `/contracts/proposals/${proposalId}/approve`, { ...bearer('lead'), host: `localhost.attacker.example:${registry.port}` }, { comment: 'fine' }),
        changed: async () => (await proposalStatus(proposalId)) !== 'proposed',
      },
      // Tokens that no longer speak for anyone.
      setsCompatibility(
        'an expired lead token setting the global compatibility',
        'PUT',
        () => '/config',
        () => bearer('expiredLead'),
        globalLevel,
      ),
      registers(
        'an expired service token registering',
        () => freshSubject(OWN),
        () => bearer('expiredService'),
      ),
      registers(
        'an expired service token registering as Basic auth (as Confluent clients send it)',
        () => freshSubject(OWN),
        () => rememberedBasic('expiredService'),
      ),
      setsCompatibility(
        'a revoked lead token setting the global compatibility',
        'PUT',
        () => '/config',
        () => bearer('revokedLead'),
        globalLevel,
      ),
      {
        name: 'a revoked lead token approving a proposal',
        attempt: () => call('POST', `/contracts/proposals/${proposalId}/approve`, bearer('revokedLead'), { comment: 'fine' }),
        changed: async () => (await proposalStatus(proposalId)) !== 'proposed',
      },
      registers(
        'a revoked service token registering',
        () => freshSubject(OWN),
        () => bearer('revokedService'),
      ),
      registers(
        'the old value of a rotated service token registering',
        () => freshSubject(OWN),
        () => bearer('rotatedService'),
      ),
      registers(
        'a tampered service token registering',
        () => freshSubject(OWN),
        () => ({ authorization: `Bearer ${tokens.service.slice(0, -3)}${tokens.service.endsWith('AAA') ? 'BBB' : 'AAA'}` }),
      ),
      // A domain owner writing another domain's subjects and contracts.
      registers(
        'a domain owner registering under another domain’s new subject',
        () => freshSubject(OTHER),
        () => bearer('owner'),
      ),
      registers(
        'a domain owner registering a new version of another domain’s governed subject',
        () => `${governedOther.kafka.topic}-value`,
        () => bearer('owner'),
        registration(extraField),
      ),
      registers(
        'a domain owner registering under a subject named for another domain by a record name (RecordNameStrategy shape)',
        () => `${OTHER}.Probe-${run}-${++sequence}`,
        () => bearer('owner'),
      ),
      {
        name: 'a domain owner proposing a contract for another domain',
        attempt: () => call('POST', '/contracts/proposals', bearer('owner'), { contract: contract(OTHER), schema: schema() }),
        changed: async () => false,
      },
      {
        name: 'a domain owner deprecating another domain’s contract',
        attempt: () => call('POST', `/contracts/${governedOther.id}/versions/${governedOther.version}/deprecate`, bearer('owner'), { comment: 'mine now' }),
        changed: async () => (await versionStatuses(governedOther.id)).join() !== 'approved',
      },
      {
        name: 'a domain owner deleting its own subject (deletes are the lead’s)',
        attempt: () => call('DELETE', `/subjects/${ownSubject}`, bearer('owner')),
        changed: async () => !(await subjects()).includes(ownSubject),
      },
      {
        name: 'a domain owner approving its own proposal',
        attempt: () => call('POST', `/contracts/proposals/${proposalId}/approve`, bearer('owner'), { comment: 'fine by me' }),
        changed: async () => (await proposalStatus(proposalId)) !== 'proposed',
      },
      registers(
        'a domain owner forcing an unapproved schema into its governed subject with the emergency override',
        () => `${governedOwn.kafka.topic}-value`,
        () => ({ ...bearer('owner'), 'x-fieldmesh-emergency-override': 'line 3 stopped' }),
        registration(extraField),
      ),
      registers(
        'the service registering an unapproved schema under a governed subject',
        () => `${governedOwn.kafka.topic}-value`,
        () => bearer('service'),
        registration(extraField),
      ),
      registers(
        'an analyst registering a schema',
        () => freshSubject(OWN),
        () => bearer('analyst'),
      ),
      // Compatibility is the governance lead's: anyone else changing it is refused.
      setsCompatibility(
        'a domain owner setting its own subject’s compatibility',
        'PUT',
        () => `/config/${ownSubject}`,
        () => bearer('owner'),
        () => subjectLevel(ownSubject),
      ),
      setsCompatibility(
        'a domain owner deleting its own subject’s compatibility',
        'DELETE',
        () => `/config/${ownSubject}`,
        () => bearer('owner'),
        () => subjectLevel(ownSubject),
      ),
      setsCompatibility(
        'a domain owner setting the global compatibility',
        'PUT',
        () => '/config',
        () => bearer('owner'),
        globalLevel,
      ),
      setsCompatibility(
        'the service setting the global compatibility',
        'PUT',
        () => '/config',
        () => bearer('service'),
        globalLevel,
      ),
      setsCompatibility(
        'the service setting a subject’s compatibility',
        'PUT',
        () => `/config/${ownSubject}`,
        () => bearer('service'),
        () => subjectLevel(ownSubject),
      ),
      setsCompatibility(
        'an analyst setting the global compatibility',
        'PUT',
        () => '/config',
        () => bearer('analyst'),
        globalLevel,
      ),
      setsCompatibility(
        'an operator setting a subject’s compatibility in its domain',
        'PUT',
        () => `/config/${ownSubject}`,
        () => bearer('operator'),
        () => subjectLevel(ownSubject),
      ),
    ];
    await setUp('PUT', `/config/${ownSubject}`, { compatibility: 'FULL' });
    const accepted: string[] = [];
    for (const { name, attempt, changed } of attempts) {
      const answer = await attempt();
      if (answer.status < 400 || (await changed())) accepted.push(`${name} (${answer.status})`);
    }
    console.log(`Registry attack matrix: ${accepted.length} of ${attempts.length} accepted${accepted.length ? `: ${accepted.join('; ')}` : ''}`);
    expect(accepted).toEqual([]);
  }, 120_000);
});
