import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '@fieldmesh/auth';
import { createKafka } from '@fieldmesh/kafka';
import { clickhouseDataset, ensureLineageTopic, kafkaDataset, runEvent } from '@fieldmesh/lineage';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRegistryApp, type RunningRegistry } from '../src/index';
import { CONTENT_TYPE, readingSchema, uniqueTopic } from './registry.harness';

const brokers = inject('kafkaBrokers');
const running: RunningRegistry[] = [];
const topics: string[] = [];
let tokensDir: string;
let tokensFile: string;
const tokens: Record<'lead' | 'owner' | 'otherOwner' | 'service', string> = { lead: '', owner: '', otherOwner: '', service: '' };

beforeAll(async () => {
  tokensDir = await mkdtemp(join(tmpdir(), 'registry-review-'));
  tokensFile = join(tokensDir, 'tokens.json');
  const store = await TokenStore.open(tokensFile);
  tokens.lead = (await store.issue({ name: 'lead', role: 'governance-lead', domains: ['*'] })).token;
  tokens.owner = (await store.issue({ name: 'olga', role: 'domain-owner', domains: ['asset-health'] })).token;
  tokens.otherOwner = (await store.issue({ name: 'ernst', role: 'domain-owner', domains: ['energy'] })).token;
  tokens.service = (await store.issue({ name: 'scorer', role: 'service', domains: ['*'] })).token;
});

afterAll(async () => {
  await rm(tokensDir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((registry) => registry.close()));
  // The lineage topic exists only where a test wrote lineage.
  const admin = createKafka({ clientId: 'registry-review-test', brokers: brokers.split(',') }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics(topics.splice(0).filter((topic) => existing.has(topic)));
  } finally {
    await admin.disconnect();
  }
});

/** The topics one governed registry lives on; a restart reuses them. */
function newTopics() {
  const id = randomUUID().slice(0, 8);
  const names = { schemas: uniqueTopic(), audit: `_audit_test_${id}`, lineage: `_lineage_test_${id}` };
  topics.push(names.schemas, names.audit, names.lineage);
  return names;
}

async function startGoverned(names: ReturnType<typeof newTopics>): Promise<RunningRegistry> {
  const registry = await createRegistryApp({
    brokers: brokers.split(','),
    topic: names.schemas,
    host: '127.0.0.1',
    port: 0,
    governance: { tokensFile, auditTopic: names.audit, lineageTopic: names.lineage },
  });
  running.push(registry);
  return registry;
}

/** A REST client acting with one token (or none), returning status and parsed body. */
function as(baseUrl: string, token?: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'Content-Type': CONTENT_TYPE }), ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever fields an answer has, as a REST client would
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown = {}, headers?: Record<string, string>) => call('POST', path, body, headers),
    register: (subject: string, schema: object, headers?: Record<string, string>) =>
      call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema: JSON.stringify(schema) }, headers),
  };
}

/** A contract of the asset-health domain on a topic of its own, so tests sharing the broker never meet. */
function product() {
  const name = `scores-${randomUUID().slice(0, 8)}`;
  const id = `asset-health.${name}`;
  const topic = `${id}.v1`;
  const contract = (version: string, overrides: Record<string, unknown> = {}) => ({
    apiVersion: 'fieldmesh.dev/v1',
    kind: 'DataContract',
    id,
    version,
    status: 'proposed',
    domain: 'asset-health',
    dataProduct: name,
    description: { purpose: 'Anomaly scores of the test plant' },
    owner: { team: 'asset-health', contact: 'asset-health@fieldmesh.example' },
    schema: { type: 'avro', ref: 'schemas/asset-health/Reading.avsc' },
    kafka: { topic, partitions: 1, replicationFactor: 1, key: 'deviceId' },
    compatibility: 'BACKWARD',
    retention: { kafka: 'P7D', warehouse: 'P365D' },
    slos: { freshness: { maxAge: 'PT1M' }, completeness: { minRatio: 0.99, window: 'PT15M' } },
    fields: {
      deviceId: { description: 'Device', classification: 'internal' },
      value: { description: 'Score', unit: '1', classification: 'internal' },
    },
    ...overrides,
  });
  return { id, topic, subject: `${topic}-value`, contract };
}

const v1 = readingSchema();
const v11 = readingSchema({ name: 'model', type: 'string', default: 'm1' });
// A new field without a default: data written before cannot be read with it (not BACKWARD compatible).
const breaking = readingSchema({ name: 'site', type: 'string' });

describe('contract review in the governed registry', () => {
  it('registers a proposed schema only once a governance lead approves it', async () => {
    const registry = await startGoverned(newTopics());
    const { id, subject, contract } = product();
    const lead = as(registry.url, tokens.lead);
    const owner = as(registry.url, tokens.owner);
    const service = as(registry.url, tokens.service);
    expect((await lead.post('/contracts/baseline', { contract: contract('1.0.0'), schema: v1 })).status).toBe(200);
    expect((await service.register(subject, v1)).status).toBe(200);

    const proposed = await owner.post('/contracts/proposals', { contract: contract('1.1.0'), schema: v11 });
    expect(proposed.status).toBe(200);
    expect(proposed.body).toMatchObject({ contractId: id, version: '1.1.0', status: 'proposed', proposedBy: 'olga' });
    expect(proposed.body.analysis.fieldChanges).toEqual([expect.objectContaining({ path: 'model', change: 'added' })]);
    expect(proposed.body.analysis.breaking).toBe(false);

    const early = await service.register(subject, v11);
    expect(early.status).toBe(422);
    expect(early.body.error_code).toBe(42205);
    expect(early.body.message).toContain(`contract ${id} version 1.1.0 is proposed (${proposed.body.proposalId} by olga`);

    const approved = await lead.post(`/contracts/proposals/${proposed.body.proposalId}/approve`, { comment: 'additive, with a default' });
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'lead', comment: 'additive, with a default' });
    const registered = await service.register(subject, v11);
    expect(registered.status).toBe(200);
    expect((await service.get(`/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    expect((await lead.get(`/contracts/${id}`)).body.versions).toEqual([
      { version: '1.0.0', status: 'approved', proposalId: null },
      { version: '1.1.0', status: 'approved', proposalId: proposed.body.proposalId },
    ]);
  });

  it('refuses the schema of a rejected proposal with 42205 naming the contract, the version, the reviewer and the comment', async () => {
    const registry = await startGoverned(newTopics());
    const { id, subject, contract } = product();
    const lead = as(registry.url, tokens.lead);
    await lead.post('/contracts/baseline', { contract: contract('1.0.0'), schema: v1 });
    const proposed = await as(registry.url, tokens.owner).post('/contracts/proposals', { contract: contract('1.1.0'), schema: breaking });
    expect(proposed.body.analysis.breaking).toBe(true);

    const noComment = await lead.post(`/contracts/proposals/${proposed.body.proposalId}/reject`, {});
    expect(noComment.status).toBe(422);
    expect(noComment.body.error_code).toBe(42271);
    const rejected = await lead.post(`/contracts/proposals/${proposed.body.proposalId}/reject`, { comment: 'site has no default, old scores cannot be read' });
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: 'lead', comment: 'site has no default, old scores cannot be read' });

    const refused = await as(registry.url, tokens.service).register(subject, breaking);
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error_code: 42205,
      message:
        `Schema for subject '${subject}' is not approved: contract ${id} version 1.1.0 was rejected by lead (governance-lead) on ${rejected.body.decidedAt}: ` +
        `"site has no default, old scores cannot be read". Propose a new version with 'fieldmesh contracts propose'.`,
    });
    expect((await lead.get(`/contracts/${id}`)).body.versions).toContainEqual({ version: '1.1.0', status: 'draft', proposalId: proposed.body.proposalId });
    // A subject no contract governs registers as in an open registry.
    expect((await as(registry.url, tokens.service).register(`asset-health.free-${randomUUID().slice(0, 8)}.v1-value`, breaking)).status).toBe(200);
  });

  it('rebuilds every contract, proposal and decision from the audit topic after a restart', async () => {
    const names = newTopics();
    const first = await startGoverned(names);
    const { id, subject, contract } = product();
    const lead = as(first.url, tokens.lead);
    await lead.post('/contracts/baseline', { contract: contract('1.0.0'), schema: v1 });
    const approved = await as(first.url, tokens.owner).post('/contracts/proposals', { contract: contract('1.1.0'), schema: v11 });
    await lead.post(`/contracts/proposals/${approved.body.proposalId}/approve`, {});
    const rejected = await as(first.url, tokens.owner).post('/contracts/proposals', { contract: contract('1.2.0'), schema: breaking });
    await lead.post(`/contracts/proposals/${rejected.body.proposalId}/reject`, { comment: 'breaking' });
    const before = { contract: (await lead.get(`/contracts/${id}`)).body, proposals: (await lead.get('/contracts/proposals')).body };
    await first.close();
    running.splice(running.indexOf(first), 1);

    const second = await startGoverned(names);
    const reader = as(second.url);
    expect((await reader.get(`/contracts/${id}`)).body).toEqual(before.contract);
    expect((await reader.get('/contracts/proposals')).body).toEqual(before.proposals);
    expect((await reader.get('/contracts/proposals?status=rejected')).body.map((proposal: { proposalId: string }) => proposal.proposalId)).toEqual([rejected.body.proposalId]);
    const service = as(second.url, tokens.service);
    expect((await service.register(subject, v11)).status).toBe(200);
    expect((await service.register(subject, breaking)).body.message).toContain(`contract ${id} version 1.2.0 was rejected by lead (governance-lead)`);
  });

  it('lets exactly one of two instances decide a proposal both are asked to decide at once, and both agree on the outcome', async () => {
    const names = newTopics();
    const [first, second] = await Promise.all([startGoverned(names), startGoverned(names)]);
    const { id, contract } = product();
    await as(first!.url, tokens.lead).post('/contracts/baseline', { contract: contract('1.0.0'), schema: v1 });
    const proposed = await as(second!.url, tokens.owner).post('/contracts/proposals', { contract: contract('1.1.0'), schema: v11 });
    const path = `/contracts/proposals/${proposed.body.proposalId}`;
    const answers = await Promise.all([
      as(first!.url, tokens.lead).post(`${path}/approve`, { comment: 'fine' }),
      as(second!.url, tokens.lead).post(`${path}/reject`, { comment: 'not fine' }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(answers.find((answer) => answer.status === 409)!.body.message).toContain(`proposal ${proposed.body.proposalId} was already`);
    const [seenByFirst, seenBySecond] = await Promise.all([as(first!.url).get(`/contracts/${id}`), as(second!.url).get(`/contracts/${id}`)]);
    expect(seenByFirst.body).toEqual(seenBySecond.body);
    expect(seenByFirst.body.history.filter((event: { type: string }) => event.type === 'APPROVED' || event.type === 'REJECTED')).toHaveLength(1);
  });

  it('lists who did what, when and why in log order', async () => {
    const registry = await startGoverned(newTopics());
    const { id, subject, contract } = product();
    const lead = as(registry.url, tokens.lead);
    await lead.post('/contracts/baseline', { contract: contract('1.0.0'), schema: v1 });
    const proposed = await as(registry.url, tokens.owner).post('/contracts/proposals', { contract: contract('1.1.0'), schema: v11 });
    await lead.post(`/contracts/proposals/${proposed.body.proposalId}/approve`, { comment: 'fine' });
    await as(registry.url, tokens.service).register(subject, v11);
    await lead.post(`/contracts/${id}/versions/1.0.0/deprecate`, { comment: 'move to 1.1.0' });
    await as(registry.url, tokens.owner).post(`/contracts/${id}/versions/1.0.0/retire`, { comment: 'no producer left' });

    const audit = (await as(registry.url).get(`/contracts/audit?contractId=${id}`)).body as Array<Record<string, string | null>>;
    expect(audit.map(({ type, version, by, role, comment }) => ({ type, version, by, role, comment }))).toEqual([
      { type: 'BASELINED', version: '1.0.0', by: 'lead', role: 'governance-lead', comment: null },
      { type: 'PROPOSED', version: '1.1.0', by: 'olga', role: 'domain-owner', comment: null },
      { type: 'APPROVED', version: '1.1.0', by: 'lead', role: 'governance-lead', comment: 'fine' },
      { type: 'REGISTERED', version: '1.1.0', by: 'scorer', role: 'service', comment: `registered as schema id 1, ${subject} version 1` },
      { type: 'DEPRECATED', version: '1.0.0', by: 'lead', role: 'governance-lead', comment: 'move to 1.1.0' },
      { type: 'RETIRED', version: '1.0.0', by: 'olga', role: 'domain-owner', comment: 'no producer left' },
    ]);
    const times = audit.map((event) => Date.parse(event.at!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(audit.map((event) => event.schemaFingerprint)).size).toBe(2);
    expect((await lead.get(`/contracts/${id}`)).body.history).toEqual(audit);
  });

  it('lets a governance lead register an unapproved schema in an emergency, audited as OVERRIDE; nobody else', async () => {
    const registry = await startGoverned(newTopics());
    const { id, subject, contract } = product();
    await as(registry.url, tokens.lead).post('/contracts/baseline', { contract: contract('1.0.0'), schema: v1 });
    const override = { 'X-Fieldmesh-Emergency-Override': 'INC-42: scorer must ship the hotfix tonight' };

    const denied = await as(registry.url, tokens.owner).register(subject, v11, override);
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ error_code: 40301, message: `User olga (role domain-owner) is denied operation schema:override on ${subject}` });
    const forced = await as(registry.url, tokens.lead).register(subject, v11, override);
    expect(forced.status).toBe(200);

    const audit = (await as(registry.url).get(`/contracts/audit?contractId=${id}`)).body;
    expect(audit.at(-1)).toMatchObject({ type: 'OVERRIDE', contractId: id, version: '', by: 'lead', role: 'governance-lead', subject });
    expect(audit.at(-1).comment).toMatch(
      new RegExp(
        `^INC-42: scorer must ship the hotfix tonight \\(to register as ${subject} version 1, bypassing: it matches no approved version of contract ${id} \\(approved: 1.0.0\\)\\)$`,
      ),
    );
    expect(audit.filter((event: { type: string }) => event.type === 'OVERRIDE')).toHaveLength(1);

    // Producers register their schema at every start: one the subject holds registers again, unaudited.
    expect((await as(registry.url, tokens.service).register(subject, v11)).body).toEqual(forced.body);
    expect((await as(registry.url).get(`/contracts/audit?contractId=${id}`)).body).toHaveLength(audit.length);
  });

  it('records a baseline once however often it is sent, and refuses another schema for the same version', async () => {
    const registry = await startGoverned(newTopics());
    const { id, contract } = product();
    const lead = as(registry.url, tokens.lead);
    const first = await lead.post('/contracts/baseline', { contract: contract('1.0.0'), schema: v1 });
    // The same schema with other whitespace and attribute order is the same schema.
    const again = await lead.post('/contracts/baseline', { contract: contract('1.0.0'), schema: Object.fromEntries(Object.entries(v1).reverse()) });
    expect(again).toEqual(first);
    expect((await lead.get(`/contracts/audit?contractId=${id}`)).body).toHaveLength(1);
    const other = await lead.post('/contracts/baseline', { contract: contract('1.0.0'), schema: v11 });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error_code: 40970 });
    expect(other.body.message).toContain(`contract ${id} version 1.0.0 already exists (approved, with another schema)`);
  });

  it('needs a token for every write and the right domain to propose; reads stay anonymous', async () => {
    const registry = await startGoverned(newTopics());
    const { id, contract } = product();
    const anonymous = as(registry.url);
    const unauthenticated = await anonymous.post('/contracts/proposals', { contract: contract('1.0.0'), schema: v1 });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.error_code).toBe(40101);
    const otherDomain = await as(registry.url, tokens.otherOwner).post('/contracts/proposals', { contract: contract('1.0.0'), schema: v1 });
    expect(otherDomain.body).toEqual({ error_code: 40301, message: `User ernst (role domain-owner) is denied operation contract:propose on ${id}` });
    // Nor by claiming the contract for its own domain.
    const claimed = await as(registry.url, tokens.otherOwner).post('/contracts/proposals', { contract: contract('1.0.0', { domain: 'energy' }), schema: v1 });
    expect(claimed.status).toBe(422);
    expect(claimed.body).toEqual({
      error_code: 42270,
      message: `Invalid review request: contract.id '${id}' is not in the contract's domain 'energy'; name it 'energy.<product>'`,
    });
    expect((await anonymous.register(`anything-${randomUUID().slice(0, 8)}-value`, v1)).status).toBe(401);
    expect((await anonymous.get('/contracts')).status).toBe(200);
    expect((await anonymous.get('/subjects')).status).toBe(200);
    expect((await anonymous.get('/contracts/proposals/prop-unknown')).body.error_code).toBe(40472);
  });

  it('shows the jobs, products and ClickHouse tables downstream of the contract topic from lineage', async () => {
    const names = newTopics();
    const { id, topic, contract } = product();
    const kafkaBrokers = brokers.split(',');
    const kafka = createKafka({ clientId: 'registry-review-test', brokers: kafkaBrokers });
    const admin = kafka.admin();
    await admin.connect();
    await ensureLineageTopic(admin, names.lineage).finally(() => admin.disconnect());
    const producer = kafka.producer();
    await producer.connect();
    const jobs = [
      { name: 'asset-health.alerts', inputs: [kafkaDataset(kafkaBrokers, topic)], outputs: [kafkaDataset(kafkaBrokers, 'asset-health.alerts.v1')] },
      { name: 'clickhouse-sink', inputs: [kafkaDataset(kafkaBrokers, topic)], outputs: [clickhouseDataset('http://127.0.0.1:8123', 'fieldmesh', 'scores')] },
    ];
    try {
      await producer.send(
        jobs.map((job) => ({
          topic: names.lineage,
          key: job.name,
          value: Buffer.from(JSON.stringify(runEvent({ eventType: 'RUNNING', job: { ...job, namespace: 'fieldmesh' } }))),
        })),
      );
    } finally {
      await producer.disconnect();
    }
    const registry = await startGoverned(names);
    await as(registry.url, tokens.lead).post('/contracts/baseline', { contract: contract('1.0.0'), schema: v1 });
    const proposed = await as(registry.url, tokens.owner).post('/contracts/proposals', {
      contract: contract('1.1.0', { owner: { team: 'reliability', contact: 'r@fieldmesh.example' } }),
      schema: v1,
    });
    expect(proposed.body.contractId).toBe(id);
    expect(proposed.body.analysis.downstream).toEqual(
      expect.arrayContaining([
        { kind: 'job', name: 'asset-health.alerts', via: topic },
        { kind: 'product', name: 'asset-health.alerts.v1', via: 'asset-health.alerts' },
        { kind: 'job', name: 'clickhouse-sink', via: topic },
        { kind: 'table', name: 'fieldmesh.scores', via: 'clickhouse-sink' },
      ]),
    );
  });
});
