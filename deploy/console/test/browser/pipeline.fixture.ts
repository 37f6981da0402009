import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsole } from '../../src/index';
import { createKafka } from '@fieldmesh/kafka';
import { PERSONAS, startGovernedRegistry, startPlantPipeline, type GovernedPerson, type PlantPipeline } from '@fieldmesh/pipeline';
import { startSloMonitor, type SloMonitor } from '@fieldmesh/slo';
import { REPO_ROOT } from '@fieldmesh/testing';
import { inject } from 'vitest';

/** The plant's people and the pipeline's own service identity, each with a fresh token per fixture. */
export const PEOPLE = {
  ...PERSONAS,
  service: { name: 'pipeline', role: 'service', domains: ['*'] },
} as const satisfies Record<string, GovernedPerson>;

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
 * The governed registry (`startGovernedRegistry`, shared with `npm start`) keeps its schemas in the stack
 * registry's `_schemas`; its governance state (the audit topic) and tokens file are this fixture's own.
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
    const auditTopic = `_fieldmesh.contract-audit.${runId}`;
    // SLO events of this run only: a main job on the same broker publishes its own to `_fieldmesh.slo`.
    const sloTopic = `_fieldmesh.slo.${runId}`;
    // This run's own topics go when it ends, so the shared broker does not collect one pair per run.
    closers.push(() => deleteTopics(brokers, [auditTopic, sloTopic]));

    const registry = await startGovernedRegistry({ kafkaBrokers: brokers, tokensFile, auditTopic, people: PEOPLE });
    closers.push(() => registry.close());
    const { tokens } = registry;

    let pipeline: PlantPipeline | undefined;
    let slo: SloMonitor | undefined;
    if (options.pipeline) {
      pipeline = await startPlantPipeline({
        kafkaBrokers: brokers,
        registryUrl: registry.url,
        // Provisioning sets subject compatibility, which only a governance lead may.
        registryAuth: { username: PEOPLE.lead.name, password: tokens.lead },
        stateDir: join(dir, 'pipeline'),
        // Failures early and often (plant time: 2 s of wall clock to the first at 10×), so alerts open within the first minute.
        failures: { firstAfterPlantSeconds: 20, everyPlantSeconds: 100, durationSeconds: 400, restPlantSeconds: 300 },
        // Groups of its own, so the plant starts behind no earlier run's watermarks and runs at full speed.
        runId,
        // A plan of 30 s: what the plant gains on the wall clock in that time fits in its lead, so it starts
        // now, not in the past, and an alert this run opens is stamped after the test started (a 30-minute
        // plan would start it hours back, and its first alerts would look older than the test).
        plannedRunSeconds: 30,
        // The operator takes an alert through its steps at a person's pace: an alert that cleared on its own
        // would close under them (an unacknowledged alert closes itself after a few normal windows).
        domainSettings: { 'asset-health': { alerting: { autoCloseAfterWindows: 10_000 } } },
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
        ? {
            clickhouse: { client: pipeline.products.sink.warehouse.client, database: pipeline.products.sink.stats().database },
            modelsInUse: () => pipeline!.products.assetHealth.models(),
          }
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
