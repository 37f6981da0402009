import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore, type Role } from '@fieldmesh/auth';
import { startConsole } from '../../src/index';
import { loadAllContracts } from '@fieldmesh/governance';
import { createKafka } from '@fieldmesh/kafka';
import { startPlantPipeline, type PlantPipeline } from '@fieldmesh/pipeline';
import { createRegistryApp, type RunningRegistry } from '@fieldmesh/registry';
import { startSloMonitor, type SloMonitor } from '@fieldmesh/slo';
import { REPO_ROOT } from '@fieldmesh/testing';
import { inject } from 'vitest';

/** The people (and the pipeline's own service identity) of a console test, each with a fresh token. */
export const PEOPLE = {
  lead: { name: 'lena-lead', role: 'governance-lead', domains: ['*'] },
  owner: { name: 'omar-owner', role: 'domain-owner', domains: ['asset-health'] },
  operator: { name: 'olga-operator', role: 'operator', domains: ['*'] },
  analyst: { name: 'anna-analyst', role: 'analyst', domains: ['*'] },
  service: { name: 'pipeline', role: 'service', domains: ['*'] },
} as const satisfies Record<string, { name: string; role: Role; domains: string[] }>;

export type Person = keyof typeof PEOPLE;

export interface ConsoleFixture {
  consoleUrl: string;
  /** The governed registry the console proxies reviews to. */
  registryUrl: string;
  tokens: Record<Person, string>;
  /** Undefined when started without the plant. */
  pipeline: PlantPipeline | undefined;
  slo: SloMonitor | undefined;
  /** A suffix unique to this fixture, for topics and contract ids the test creates. */
  runId: string;
  close(): Promise<void>;
}

export interface ConsoleFixtureOptions {
  /** Run the plant, the gateway, the data products and the SLO monitor (alerts, lineage, SLOs). */
  pipeline: boolean;
}

/**
 * A governed registry, tokens per role, the repository's contracts baselined, optionally the whole
 * pipeline on a simulated plant with failures injected (so alerts open) and the SLO monitor, and the
 * console in front of it all, on the shared test stack.
 *
 * The governed registry keeps its schemas in the stack registry's `_schemas` topic rather than a topic of
 * its own: the product topics are shared, so records that earlier runs wrote through the stack registry
 * must decode here with the same schema ids (a registry of its own would hand out colliding ids). Its
 * governance state (the audit topic) is this fixture's own.
 */
export async function startConsoleFixture(options: ConsoleFixtureOptions): Promise<ConsoleFixture> {
  const runId = randomBytes(4).toString('hex');
  const brokers = inject('kafkaBrokers');
  const dir = await mkdtemp(join(tmpdir(), 'fm-console-browser-'));
  const closers: Array<() => Promise<unknown>> = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const step of closers.splice(0).reverse()) await step().catch((error: unknown) => console.error(`console fixture: closing failed: ${String(error)}`));
  };
  try {
    const tokensFile = join(dir, 'tokens.json');
    const store = await TokenStore.open(tokensFile);
    const tokens = {} as Record<Person, string>;
    for (const [person, identity] of Object.entries(PEOPLE) as Array<[Person, (typeof PEOPLE)[Person]]>) {
      tokens[person] = (await store.issue({ name: identity.name, role: identity.role, domains: [...identity.domains] })).token;
    }

    const auditTopic = `_fieldmesh.contract-audit.${runId}`;
    // SLO events of this run only: a main job on the same broker publishes its own to `_fieldmesh.slo`.
    const sloTopic = `_fieldmesh.slo.${runId}`;
    // This run's own topics go when it ends, so the shared broker does not collect one pair per run.
    closers.push(() => deleteTopics(brokers, [auditTopic, sloTopic]));

    const registry: RunningRegistry = await createRegistryApp({
      port: 0,
      host: '127.0.0.1',
      brokers: [brokers],
      topic: '_schemas',
      governance: { tokensFile, auditTopic },
    });
    closers.push(() => registry.close());
    // The repository's contracts are the approved baseline: their schemas may register, nothing else.
    for (const loaded of await loadAllContracts(REPO_ROOT)) {
      const answer = await registryCall(registry.url, 'POST', '/contracts/baseline', tokens.lead, { contract: loaded.contract, schema: loaded.avroSchema });
      if (answer.status !== 200) throw new Error(`Baselining ${loaded.contract.id} answered ${answer.status}: ${answer.body?.message ?? JSON.stringify(answer.body)}`);
    }

    let pipeline: PlantPipeline | undefined;
    let slo: SloMonitor | undefined;
    if (options.pipeline) {
      pipeline = await startPlantPipeline({
        kafkaBrokers: brokers,
        registryUrl: registry.url,
        mqttUrl: inject('mqttUrl'),
        // Provisioning sets subject compatibility, which only a governance lead may.
        registryAuth: { username: PEOPLE.lead.name, password: tokens.lead },
        stateDir: join(dir, 'pipeline'),
        // Failures early and often, so alerts open within the first minute.
        failures: { firstAfterSeconds: 2, everySeconds: 20, durationSeconds: 400 },
        log: () => undefined,
      });
      closers.push(() => pipeline!.close());
      slo = await startSloMonitor({ kafka: pipeline.kafka, contracts: pipeline.contracts, expectations: pipeline.sloExpectations, topic: sloTopic });
      closers.push(() => slo!.close());
    }

    const running = await startConsole({
      host: '127.0.0.1',
      port: 0,
      kafkaBrokers: brokers,
      registryUrl: registry.url,
      serviceToken: tokens.service,
      tokensFile,
      contractsRoot: REPO_ROOT,
      stateDir: join(dir, 'console'),
      topics: { slo: sloTopic },
      ...(pipeline
        ? { clickhouse: { client: pipeline.products.sink.warehouse.client, database: pipeline.products.sink.stats().database }, modelsInUse: () => pipeline!.products.assetHealth.models() }
        : {}),
      ...(slo ? { slo } : {}),
    });
    closers.push(() => running.close());
    return { consoleUrl: running.url, registryUrl: registry.url, tokens, pipeline, slo, runId, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function deleteTopics(brokers: string, topics: string[]): Promise<void> {
  const admin = createKafka({ clientId: 'console-browser-fixture', brokers: [brokers] }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ours = topics.filter((topic) => existing.has(topic));
    if (ours.length > 0) await admin.deleteTopics(ours);
  } finally {
    await admin.disconnect();
  }
}

/** A registry answer: the HTTP status and the JSON body (Confluent's `{error_code, message}` on errors). */
export interface RegistryAnswer {
  status: number;
  body: { error_code?: number; message?: string; [key: string]: unknown } | undefined;
}

/** A JSON call to the registry with a bearer token; returns the status and the parsed body. */
export async function registryCall(registryUrl: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<RegistryAnswer> {
  const response = await fetch(`${registryUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as RegistryAnswer['body']) : undefined };
}
