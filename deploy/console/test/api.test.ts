import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { type Role, TokenStore } from '@fieldmesh/auth';
import type { AlertEvent } from '@fieldmesh/domain-asset-health/alert-workflow';
import { loadAllContracts, type LoadedContract } from '@fieldmesh/governance';
import { createKafka } from '@fieldmesh/kafka';
import { kafkaDataset, mqttDataset, runEvent } from '@fieldmesh/lineage';
import { createRegistryApp, type RunningRegistry } from '@fieldmesh/registry';
import { AvroSerde } from '@fieldmesh/serde';
import type { SloEvent } from '@fieldmesh/slo';
import { readTopic } from '@fieldmesh/streams';
import { REPO_ROOT } from '@fieldmesh/testing';
import { quoteIdentifier } from '@fieldmesh/warehouse';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type {
  AlertDetail,
  ApiError,
  ConsoleStatus,
  Kpis,
  LineageGraphView,
  Page,
  Principal,
  ProductDetail,
  ProductSummary,
  ProposalSummary,
  ProposalView,
  SampleQueryResult,
  SloView,
} from '../src/api/types';
import { type RunningConsole, startConsole } from '../src/index';
import { SEEDED_EVIDENCE, SEEDED_READINGS, seedAlert, seedSignals, SEEDED_ONSET } from './api.seed';

const runId = randomBytes(4).toString('hex');
const brokers = inject('kafkaBrokers');
const topics = { alerts: `asset-health.alerts.v1.console-${runId}`, slo: `_fieldmesh.slo.console-${runId}`, lineage: `_fieldmesh.lineage.console-${runId}` };
const database = `console_${runId}`;
const ASSET = `acme/console-${runId}/press-shop/line-1/pump-1`;
const ONSET = SEEDED_ONSET;

const PEOPLE = {
  lead: { name: 'lena-lead', role: 'governance-lead', domains: ['*'] },
  owner: { name: 'omar-owner', role: 'domain-owner', domains: ['asset-health'] },
  operator: { name: 'olga-operator', role: 'operator', domains: ['asset-health'] },
  energyOperator: { name: 'emil-operator', role: 'operator', domains: ['energy'] },
  analyst: { name: 'anna-analyst', role: 'analyst', domains: ['*'] },
  service: { name: 'console-service', role: 'service', domains: ['*'] },
} as const satisfies Record<string, { name: string; role: Role; domains: string[] }>;
type Person = keyof typeof PEOPLE;

let dir: string;
let registry: RunningRegistry;
let running: RunningConsole;
let clickhouse: ClickHouseClient;
let contracts: LoadedContract[];
const tokens = {} as Record<Person, string>;
let alertId: string;

interface Answer<T> {
  status: number;
  body: T;
}

async function call<T>(method: 'GET' | 'POST', path: string, person: Person | undefined, body?: unknown): Promise<Answer<T>> {
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers: { ...(person ? { authorization: `Bearer ${tokens[person]}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
}

const contractOf = (id: string) => contracts.find((c) => c.contract.id === id)!;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function publishJson(topic: string, key: string, value: unknown): Promise<void> {
  const producer = createKafka({ clientId: 'console-test', brokers: [brokers] }).producer();
  await producer.connect();
  await producer.send([{ topic, key, value: Buffer.from(JSON.stringify(value)) }]);
  await producer.disconnect();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fm-console-api-'));
  contracts = await loadAllContracts(REPO_ROOT);
  const tokensFile = join(dir, 'tokens.json');
  const store = await TokenStore.open(tokensFile);
  for (const [person, identity] of Object.entries(PEOPLE) as Array<[Person, (typeof PEOPLE)[Person]]>) {
    tokens[person] = (await store.issue({ name: identity.name, role: identity.role, domains: [...identity.domains] })).token;
  }
  // A governed registry of this test's own (own schemas and audit topics), so proposals and roles are real.
  registry = await createRegistryApp({
    port: 0,
    host: '127.0.0.1',
    brokers: [brokers],
    topic: `_schemas.console-${runId}`,
    governance: { tokensFile, auditTopic: `_fieldmesh.contract-audit.console-${runId}`, lineageTopic: topics.lineage },
  });
  clickhouse = createClient({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword') });
  await seedSignals(clickhouse, { database, contract: contractOf('plant-telemetry.clean'), assetPath: ASSET, onset: ONSET });
  const serde = new AvroSerde({ registryUrl: registry.url, clientId: 'console-test', basicAuth: { username: 'svc', password: tokens.service } });
  alertId = await seedAlert({ brokers, serde, topic: topics.alerts, contract: contractOf('asset-health.alerts'), assetPath: ASSET, onset: ONSET });
  running = await startConsole({
    port: 0,
    host: '127.0.0.1',
    kafkaBrokers: brokers,
    registryUrl: registry.url,
    serviceToken: tokens.service,
    tokensFile,
    contractsRoot: REPO_ROOT,
    clickhouse: { url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword'), database },
    stateDir: join(dir, 'state'),
    topics,
    web: false,
    downtimeHoursPerAvoidedFailure: { pump: 6, '*': 2 },
  });
});

afterAll(async () => {
  await running?.close();
  await registry?.close();
  await clickhouse?.command({ query: `DROP DATABASE IF EXISTS ${quoteIdentifier(database)}` });
  await clickhouse?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('console api', () => {
  it('tells each token who it is, lets every role read, and refuses a request without a valid token', async () => {
    for (const person of Object.keys(PEOPLE) as Person[]) {
      const answer = await call<Principal>('GET', '/api/whoami', person);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ name: PEOPLE[person].name, role: PEOPLE[person].role, domains: PEOPLE[person].domains });
      for (const path of ['/api/catalog', '/api/alerts', '/api/reviews', '/api/slo', '/api/kpis', '/api/models', '/api/lineage/datasets']) {
        expect((await call('GET', path, person)).status, `${person} GET ${path}`).toBe(200);
      }
    }
    const anonymous = await call<ApiError>('GET', '/api/catalog', undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error_code).toBe(40101);
    const forged = await fetch(`${running.url}/api/whoami`, { headers: { authorization: 'Bearer fmt_00000000_notatoken' } });
    expect(forged.status).toBe(401);
  });

  it('pages through every contract of the repository, searches and filters by domain', async () => {
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const answer = await call<Page<ProductSummary>>('GET', `/api/catalog?pageSize=2&page=${page}`, 'analyst');
      expect(answer.status).toBe(200);
      expect(answer.body.total).toBe(contracts.length);
      ids.push(...answer.body.items.map((p) => p.id));
      if (page >= answer.body.pageCount) break;
    }
    expect(ids).toEqual(contracts.map((c) => c.contract.id).sort());

    const search = await call<Page<ProductSummary>>('GET', '/api/catalog?search=anomaly%20score', 'analyst');
    expect(search.body.items.map((p) => p.id)).toContain('asset-health.anomaly-scores');
    expect(search.body.items.every((p) => p.domain === 'asset-health')).toBe(true);

    const energy = await call<Page<ProductSummary>>('GET', '/api/catalog?domain=energy', 'operator');
    expect(energy.body.items.map((p) => p.id)).toEqual(
      contracts
        .filter((c) => c.contract.domain === 'energy')
        .map((c) => c.contract.id)
        .sort(),
    );

    const wrongSize = await call<ApiError>('GET', '/api/catalog?pageSize=1000', 'analyst');
    expect(wrongSize.status).toBe(400);
    expect(wrongSize.body.message).toContain('pageSize');
  });

  it('shows a product: owner, fields with classification and units, retention, SLOs, registry subject and its ClickHouse table', async () => {
    const answer = await call<ProductDetail>('GET', '/api/catalog/plant-telemetry.clean', 'analyst');
    expect(answer.status).toBe(200);
    const product = answer.body;
    const contract = contractOf('plant-telemetry.clean').contract;
    expect(product.owner).toEqual(contract.owner);
    expect(product.retention).toEqual(contract.retention);
    expect(product.slos.freshness.maxAge).toBe(contract.slos.freshness.maxAge);
    expect(product.fields.find((f) => f.name === 'value')).toMatchObject({ classification: 'internal', unit: '{unit field}' });
    expect(product.fields.map((f) => f.name)).toEqual(Object.keys(contract.fields));
    expect(product.registry.subject).toBe('plant.telemetry.clean.v1-value');
    expect(product.warehouse).toMatchObject({ table: `${database}.plant_telemetry_clean_v1`, rows: SEEDED_READINGS });
    expect(product.warehouse.sampleQuery).toContain('ORDER BY `readingTime` DESC');

    const missing = await call<ApiError>('GET', '/api/catalog/no-such.product', 'analyst');
    expect(missing.status).toBe(404);
  });

  it("runs a product's sample query for an analyst and refuses it to an operator", async () => {
    const analyst = await call<SampleQueryResult>('POST', '/api/catalog/plant-telemetry.clean/sample-query', 'analyst');
    expect(analyst.status).toBe(200);
    expect(analyst.body.rows).toHaveLength(20);
    const columns = analyst.body.columns.map((c) => c.name);
    const value = analyst.body.rows[0]![columns.indexOf('value')];
    expect(Number(value)).toBe(3.9); // the newest of the seeded readings first
    for (const person of ['lead', 'owner'] as const) expect((await call('POST', '/api/catalog/plant-telemetry.clean/sample-query', person)).status).toBe(200);

    for (const person of ['operator', 'energyOperator', 'service'] as const) {
      const refused = await call<ApiError>('POST', '/api/catalog/plant-telemetry.clean/sample-query', person);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error_code: 40301 });
      expect(refused.body.message).toContain('warehouse:query');
    }
  });

  it('lists the seeded alert with filters and shows its evidence and the signals around the onset', async () => {
    const list = await call<Page<{ alertId: string; status: string; line: string }>>(
      'GET',
      `/api/alerts?status=OPENED&line=${encodeURIComponent(`acme/console-${runId}`)}`,
      'analyst',
    );
    expect(list.body.items).toEqual([expect.objectContaining({ alertId, status: 'OPENED', line: `acme/console-${runId}/press-shop/line-1` })]);
    expect((await call<Page<unknown>>('GET', `/api/alerts?status=CLOSED&line=${encodeURIComponent(`acme/console-${runId}`)}`, 'analyst')).body.total).toBe(0);
    // The site is the asset path's second level: the board of one site shows its alerts and no other's.
    expect((await call<Page<{ alertId: string }>>('GET', `/api/alerts?site=console-${runId}`, 'analyst')).body.items).toEqual([expect.objectContaining({ alertId })]);
    expect((await call<Page<unknown>>('GET', '/api/alerts?site=hamburg', 'analyst')).body.total).toBe(0);

    const detail = await call<AlertDetail>('GET', `/api/alerts/${encodeURIComponent(alertId)}`, 'operator');
    expect(detail.status).toBe(200);
    expect(detail.body.evidence).toEqual(SEEDED_EVIDENCE);
    expect(detail.body.nextActions).toEqual(['ACKNOWLEDGED', 'CLOSED']);
    expect(detail.body.signalsFrom).toMatchObject({ source: `clickhouse ${database}.plant_telemetry_clean_v1`, note: null });
    const [vibration] = detail.body.signals;
    expect(vibration).toMatchObject({ signal: 'vibration_rms', unit: 'mm/s' });
    expect(vibration!.points.length).toBe(SEEDED_READINGS);
    expect(vibration!.points[0]).toEqual([ONSET.getTime() - 600_000, 1]);
  });

  it('takes an alert from open to verified for an operator of its domain, producing each step to the alerts topic', async () => {
    const path = `/api/alerts/${encodeURIComponent(alertId)}/actions`;
    // Only an operator acts on alerts, and only one whose token names the alerts' domain.
    for (const person of ['analyst', 'lead', 'owner', 'service', 'energyOperator'] as const) {
      const refused = await call<ApiError>('POST', path, person, { action: 'ACKNOWLEDGED' });
      expect(refused.status).toBe(403);
      expect(refused.body.error_code).toBe(40301);
    }
    const skipped = await call<ApiError>('POST', path, 'operator', { action: 'DISPATCHED', workOrderId: 'WO-1' });
    expect(skipped.status).toBe(409);
    expect(skipped.body.message).toContain('OPENED → DISPATCHED');

    const steps = [
      { action: 'ACKNOWLEDGED', note: 'on my way' },
      { action: 'DIAGNOSED', diagnosis: 'bearing wear', note: 'vibration up, temperature up' },
      { action: 'DISPATCHED', workOrderId: `WO-${runId}` },
      { action: 'VERIFIED', note: 'bearing replaced, vibration back to normal' },
    ];
    for (const step of steps) {
      const answer = await call<AlertDetail>('POST', path, 'operator', step);
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe(step.action);
    }
    const events = await readTopic({ brokers, registryUrl: registry.url, topic: topics.alerts, until: (records) => records.length >= 5, timeoutMs: 20_000 });
    expect(events.map((e) => (e.value as unknown as AlertEvent).type)).toEqual(['OPENED', 'ACKNOWLEDGED', 'DIAGNOSED', 'DISPATCHED', 'VERIFIED']);
    expect(events.slice(1).map((e) => (e.value as unknown as AlertEvent).by)).toEqual(Array(4).fill(PEOPLE.operator.name));
    expect((events[3]!.value as unknown as AlertEvent).workOrderId).toBe(`WO-${runId}`);

    const kpis = await call<Kpis>('GET', `/api/kpis?line=${encodeURIComponent(`acme/console-${runId}`)}`, 'analyst');
    expect(kpis.body.perAsset.items).toEqual([expect.objectContaining({ key: ASSET, avoidedFailures: 1, downtimeAvoidedHours: 6, openAlerts: 1 })]);
    expect(kpis.body.perLine).toEqual([expect.objectContaining({ key: `acme/console-${runId}/press-shop/line-1`, downtimeAvoidedHours: 6 })]);

    const closed = await call<AlertDetail>('POST', path, 'operator', { action: 'CLOSED' });
    expect(closed.body).toMatchObject({ status: 'CLOSED', nextActions: [] });
  });

  it('proxies the review queue to the registry: a lead approves, an analyst may not', async () => {
    const base = contractOf('asset-health.anomaly-scores');
    const product = `console-scores-${runId}`;
    const contract = { ...base.contract, id: `asset-health.${product}`, dataProduct: product, kafka: { ...base.contract.kafka, topic: `asset-health.${product}.v1` } };
    const proposed = await fetch(`${registry.url}/contracts/proposals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contract, schema: base.avroSchema }),
    });
    expect(proposed.status).toBe(200);
    const { proposalId } = (await proposed.json()) as { proposalId: string };

    const queue = await call<Page<ProposalSummary>>('GET', `/api/reviews?status=proposed&search=${product}`, 'analyst');
    expect(queue.status).toBe(200);
    expect(queue.body.items).toEqual([expect.objectContaining({ proposalId, contractId: contract.id, status: 'proposed', proposedBy: PEOPLE.owner.name })]);
    const shown = await call<ProposalView>('GET', `/api/reviews/${proposalId}`, 'operator');
    expect(shown.body.analysis.fieldChanges.length).toBeGreaterThan(0);

    for (const person of ['analyst', 'owner', 'operator', 'energyOperator', 'service'] as const) {
      const refused = await call<ApiError>('POST', `/api/reviews/${proposalId}/approve`, person, { comment: 'looks fine' });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toContain('contract:review');
    }
    expect((await call<ApiError>('POST', `/api/reviews/${proposalId}/reject`, 'analyst', { comment: 'no' })).status).toBe(403);
    const noComment = await call<ApiError>('POST', `/api/reviews/${proposalId}/reject`, 'lead', {});
    expect(noComment.status).toBe(422);
    const approved = await call<ProposalView>('POST', `/api/reviews/${proposalId}/approve`, 'lead', { comment: 'ok for the pilot' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: PEOPLE.lead.name, comment: 'ok for the pilot' });
  });

  it('shows SLO breaches and lineage as they are published after start', async () => {
    const breach: SloEvent = {
      type: 'BREACHED',
      product: 'plant-telemetry.clean',
      topic: 'plant.telemetry.clean.v1',
      slo: 'freshness',
      scope: 'acme/berlin/press-shop/line-1',
      observed: 95_000,
      objective: 30_000,
      at: new Date().toISOString(),
      message: 'newest record is 95 s old',
    };
    await publishJson(topics.slo, `${breach.topic}|${breach.slo}|${breach.scope}`, breach);
    const slo = await until('the breach on the SLO page', async () => {
      const answer = await call<SloView>('GET', '/api/slo?state=breached', 'analyst');
      return answer.body.status.length > 0 ? answer.body : undefined;
    });
    expect(slo.status).toEqual([expect.objectContaining({ product: breach.product, scope: breach.scope, state: 'breached', observed: 95_000 })]);
    expect(slo.events[0]).toMatchObject({ type: 'BREACHED', message: breach.message });
    expect((await call<SloView>('GET', '/api/slo?search=line-1%20freshness', 'analyst')).body.status).toHaveLength(1);
    expect((await call<SloView>('GET', '/api/slo?search=line-9', 'analyst')).body).toEqual({ status: [], events: [] });
    const catalog = await call<Page<ProductSummary>>('GET', '/api/catalog?search=plant-telemetry.clean', 'analyst');
    expect(catalog.body.items.find((p) => p.id === 'plant-telemetry.clean')?.sloState).toBe('breached');

    const source = mqttDataset('mqtt://127.0.0.1:1883', `plant/console-${runId}/pump1/vibration`);
    const raw = kafkaDataset(brokers, `plant.telemetry.raw.v1.console-${runId}`);
    await publishJson(
      topics.lineage,
      'fieldmesh/gateway',
      runEvent({ eventType: 'START', job: { namespace: 'fieldmesh', name: `edge-gateway.${runId}`, inputs: [source], outputs: [raw] } }),
    );
    const graph = await until('the lineage of the raw topic', async () => {
      const answer = await call<LineageGraphView>('GET', `/api/lineage?dataset=${encodeURIComponent(raw.name)}`, 'operator');
      return answer.status === 200 ? answer.body : undefined;
    });
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([`job:edge-gateway.${runId}`, `mqtt:${source.name}`, `topic:${raw.name}`]);
    expect((await call<ApiError>('GET', '/api/lineage?dataset=no.such.topic.v1', 'operator')).status).toBe(404);
  });

  it('filters the catalog by site: the products carrying its readings, each with its SLO state at that site', async () => {
    // Raw telemetry of a second site has recovered there, while clean is still breached at berlin (the test above).
    const recovered: SloEvent = {
      type: 'RECOVERED',
      product: 'plant-telemetry.raw',
      topic: 'plant.telemetry.raw.v1',
      slo: 'freshness',
      scope: 'acme/hamburg',
      observed: 1_000,
      objective: 30_000,
      at: new Date().toISOString(),
      message: 'Freshness of plant-telemetry.raw at site acme/hamburg recovered',
    };
    await publishJson(topics.slo, `${recovered.topic}|${recovered.slo}|${recovered.scope}`, recovered);
    const sites = await until('both sites in the site filter', async () => {
      const answer = await call<Array<{ site: string; products: number }>>('GET', '/api/catalog/sites', 'operator');
      return answer.body.length === 2 ? answer.body : undefined;
    });
    expect(sites).toEqual([
      { site: 'berlin', products: 1 },
      { site: 'hamburg', products: 1 },
    ]);
    const hamburg = await call<Page<ProductSummary>>('GET', '/api/catalog?site=hamburg', 'operator');
    expect(hamburg.body.items.map((p) => [p.id, p.sloState])).toEqual([['plant-telemetry.raw', 'ok']]);
    const berlin = await call<Page<ProductSummary>>('GET', '/api/catalog?site=berlin&domain=plant-telemetry', 'operator');
    expect(berlin.body.items.map((p) => [p.id, p.sloState])).toEqual([['plant-telemetry.clean', 'breached']]);
    expect((await call<Page<ProductSummary>>('GET', '/api/catalog?site=lyon', 'operator')).body.total).toBe(0);
  });

  it('documents every route in the OpenAPI document', async () => {
    const routes = [
      'get /api/whoami',
      'get /api/catalog',
      'get /api/catalog/domains',
      'get /api/catalog/sites',
      'get /api/catalog/{contractId}',
      'post /api/catalog/{contractId}/sample-query',
      'get /api/catalog/{contractId}/consumer-example',
      'get /api/asyncapi.json',
      'get /api/asyncapi.yaml',
      'get /api/reviews',
      'get /api/reviews/{proposalId}',
      'post /api/reviews/{proposalId}/approve',
      'post /api/reviews/{proposalId}/reject',
      'get /api/lineage',
      'get /api/lineage/datasets',
      'get /api/alerts',
      'get /api/alerts/{alertId}',
      'post /api/alerts/{alertId}/actions',
      'get /api/plant-events/conditions',
      'post /api/plant-events/conditions/{conditionId}/acknowledge',
      'get /api/fleet/gateways',
      'get /api/fleet/gateways/{gatewayId}',
      'post /api/fleet/gateways/{gatewayId}/commands',
      'get /api/fleet/commands/{commandId}',
      'get /api/fleet/rollouts',
      'get /api/kpis',
      'get /api/models',
      'get /api/slo',
      'get /api/status',
    ];
    const document = (await (await fetch(`${running.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary?: string; parameters?: Array<{ name: string; in: string }> }>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual([...routes].sort());
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const operation of Object.values(operations)) {
        expect(operation.summary, path).toBeTruthy();
        const parameters = (operation.parameters ?? []).map((p) => `${p.in}:${p.name}`);
        expect(new Set(parameters).size, `${path} lists a parameter twice`).toBe(parameters.length);
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) expect(parameters, path).toContain(`path:${name}`);
      }
    }
    expect(document.paths['/api/alerts']!.get!.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['status', 'asset', 'line', 'site', 'search', 'page', 'pageSize']));
    expect(document.paths['/api/catalog']!.get!.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['domain', 'site']));
    expect((await fetch(`${running.url}/api/docs`)).status).toBe(200);
  });

  it('serves the AsyncAPI document and a consumer example of a product', async () => {
    const asyncApi = await call<{ asyncapi: string; channels: Record<string, unknown> }>('GET', '/api/asyncapi.json', 'analyst');
    expect(asyncApi.body.asyncapi).toBe('3.0.0');
    expect(Object.keys(asyncApi.body.channels)).toHaveLength(contracts.length);
    const example = await call<string>('GET', '/api/catalog/asset-health.anomaly-scores/consumer-example', 'analyst');
    expect(example.body).toContain('asset-health.anomaly-scores.v1');
    expect(example.body).toContain('@kafkajs/confluent-schema-registry');
  });

  it('says what it has read from its topics', async () => {
    const status = await call<ConsoleStatus>('GET', '/api/status', 'service');
    expect(status.body).toMatchObject({
      alerts: { topic: topics.alerts, alerts: 1, undecodable: 0 },
      slo: { topic: topics.slo, statusFrom: 'topic' },
      lineage: { topic: topics.lineage },
      warehouse: { database },
      registryUrl: registry.url,
    });
  });

  it('lists the model versions serving each asset class', async () => {
    const answer = await call<{ assetClasses: Array<{ assetClass: string; champion: { version: string } | null }> }>('GET', '/api/models', 'operator');
    expect(answer.body.assetClasses.map((c) => c.assetClass)).toEqual(['compressor', 'conveyor', 'motor', 'pump']);
    expect(answer.body.assetClasses.every((c) => c.champion?.version === '1.0.0')).toBe(true);
  });
});
