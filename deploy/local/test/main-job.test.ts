import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type Principal, TokenStore } from '@fieldmesh/auth';
import { checkDrift, loadAllContracts } from '@fieldmesh/governance';
import { createKafka } from '@fieldmesh/kafka';
import { readLineageGraph } from '@fieldmesh/lineage';
import { attachStack, REPO_ROOT } from '@fieldmesh/testing';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runMainJob } from '../src/main-job/main-job';
import { type MainJobReport, MIN_EPISODES, reconcile } from '../src/main-job/report';
import { type Answer, printedConsole } from './printed-console';

describe('the main job', () => {
  const lines: string[] = [];
  let report: MainJobReport;
  let tokensFile: string;
  /** The console's reviews, catalog and AsyncAPI as the governance lead, asked while the job runs. */
  let consoleAnswers: Promise<ConsoleAnswers> | undefined;
  /** The printed metrics URL, scraped as Prometheus would once the plant has run for 30 s. */
  let scraped: Promise<Answer> | undefined;
  /** What the tokens file made of each printed token while the job ran. */
  let tokensWhileRunning: Promise<Record<string, Principal | undefined>> | undefined;

  beforeAll(async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'fm-main-job-'));
    tokensFile = join(stateDir, 'tokens.json');
    report = await runMainJob({
      stack: attachStack(inject('stackDir')),
      stateDir,
      tokensFile,
      durationSeconds: 150,
      progressEverySeconds: 5,
      // A domain added as one folder (contract, schema and declaration), with no edit anywhere else.
      domainFolders: [join(import.meta.dirname, 'domains')],
      // Groups of its own: the stack's earlier runs (the soak's main job, other runs of this test) left their
      // watermarks ahead of the wall clock, behind which a plant may not start, so it would run at real time.
      runId: basename(stateDir),
      signal: new AbortController().signal,
      output: {
        out: (line) => lines.push(line),
        err: (line) => {
          lines.push(line);
          if (line.startsWith('Main job running')) {
            consoleAnswers ??= askConsole(lines.join('\n'));
            tokensWhileRunning ??= verifyPrinted(tokensFile, lines.join('\n'));
          }
          if (Number(/^\[\s*(\d+) s\]/.exec(line)?.[1] ?? 0) >= 30) scraped ??= scrapeMetrics(lines.join('\n'));
        },
      },
    });
  }, 400_000);

  it('accounts for every message in every stage, from the plant to the ClickHouse tables', () => {
    expect(reconcile(report).filter((check) => !check.ok)).toEqual([]);
    expect(report.plant.published['mqtt-json']).toBeGreaterThan(10_000);
    expect(report.plant.published.opcua).toBeGreaterThan(10_000);
    for (const topic of ['plant.telemetry.raw.v1', 'plant.telemetry.clean.v1', 'asset-health.features.v1', 'asset-health.anomaly-scores.v1']) {
      expect(report.warehouse?.[topic]?.rows, topic).toBeGreaterThan(0);
      expect(report.warehouse?.[topic]?.rows, topic).toBe(report.kafkaTotals?.[topic]);
    }
    expect(lines.some((line) => /\] plant \d+\/s → gateway \d+\/s .* → clean \d+\/s/.test(line))).toBe(true);
    expect(lines.join('\n')).toContain('Every message is accounted for.');
  });

  it('runs a domain found as one folder: its product is provisioned, produced and sunk like every other', () => {
    expect(lines.join('\n')).toContain('fixture-census reading-counts');
    expect(report.kafka['fixture-census.reading-counts.v1']).toBeGreaterThan(0);
    expect(report.warehouse?.['fixture-census.reading-counts.v1']?.rows).toBe(report.kafkaTotals?.['fixture-census.reading-counts.v1']);
  });

  it('shows a domain found as one folder in the console’s catalog and AsyncAPI, beside the repository’s domains', async () => {
    const { catalog, domains, asyncApi } = await consoleAnswers!;
    expect(catalog.status, JSON.stringify(catalog.body)).toBe(200);
    expect(catalog.body).toMatchObject({
      total: 1,
      items: [{ id: 'fixture-census.reading-counts', domain: 'fixture-census', topic: 'fixture-census.reading-counts.v1' }],
    });
    expect(domains.body).toEqual(
      expect.arrayContaining([
        { domain: 'fixture-census', products: 1 },
        { domain: 'asset-health', products: 3 },
      ]),
    );
    expect(asyncApi.status).toBe(200);
    const addresses = Object.values((asyncApi.body as { channels: Record<string, { address: string }> }).channels).map((channel) => channel.address);
    expect(addresses).toEqual(expect.arrayContaining(['fixture-census.reading-counts.v1', 'asset-health.anomaly-scores.v1']));
  });

  it('raises an alert for at least 90% of the injected failures, judged on enough finished episodes, with few false alerts', () => {
    const detection = report.detection!;
    const summary = JSON.stringify({
      episodes: detection.outcomes.map((o) => [o.episode.mode, o.episode.assetPath, o.delaySeconds ?? 'missed']),
      alerts: detection.alerts,
      falseAlerts: detection.falseAlerts,
    });
    expect(detection.episodes, summary).toBeGreaterThanOrEqual(MIN_EPISODES);
    expect(detection.recall, summary).toBeGreaterThanOrEqual(0.9);
    expect(detection.falseAlerts, summary).toBeLessThanOrEqual(1);
  });

  it('answers the analyst queries from ClickHouse', () => {
    const names = (report.analystQueries ?? []).map((q) => q.name).sort();
    expect(names).toEqual(['anomalies-and-downtime-per-asset-day', 'energy-per-line-per-day', 'model-versions-in-use']);
    const models = report.analystQueries!.find((q) => q.name === 'model-versions-in-use')!;
    expect(models.rows.length).toBeGreaterThanOrEqual(4);
  });

  it('traces the anomaly scores back to the plant’s MQTT topics and OPC UA nodes', async () => {
    const graph = await readLineageGraph(createKafka({ clientId: 'main-job-test', brokers: [inject('kafkaBrokers')] }));
    const upstream = graph.upstream(graph.resolve('asset-health.anomaly-scores.v1'));
    const namespaces = new Set(upstream.nodes.map((node) => node.namespace.split('://')[0]));
    expect(namespaces).toEqual(new Set(['kafka', 'mqtt', 'opcua']));
    const downstream = graph.downstream(graph.resolve('asset-health.anomaly-scores.v1'));
    expect(downstream.nodes.some((node) => node.namespace.startsWith('clickhouse://') && node.name.endsWith('asset_health_anomaly_scores_v1'))).toBe(true);
  });

  it('leaves topics and the registry as the contracts say (retention, compatibility, schema)', async () => {
    const kafka = createKafka({ clientId: 'main-job-drift', brokers: [inject('kafkaBrokers')] });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const findings = (await Promise.all((await loadAllContracts(REPO_ROOT)).map((loaded) => checkDrift(loaded, { admin, registryUrl: inject('registryUrl') })))).flat();
      expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  it('prints where the console and the governed registry are, a token per role, how to propose, and reports the live SLO monitor', async () => {
    const text = lines.join('\n');
    expect(text).toMatch(/^Console: http:\/\/127\.0\.0\.1:\d+ /m);
    const registryUrl = /^Registry: (http:\/\/127\.0\.0\.1:\d+) \(governed/m.exec(text)?.[1];
    expect(registryUrl).toBeDefined();
    const whileRunning = await tokensWhileRunning!;
    expect(whileRunning['governance lead']).toMatchObject({ role: 'governance-lead', domains: ['*'] });
    expect(whileRunning['asset-health owner']).toMatchObject({ role: 'domain-owner', domains: ['asset-health'] });
    expect(whileRunning.operator).toMatchObject({ role: 'operator' });
    expect(whileRunning.analyst).toMatchObject({ role: 'analyst' });
    // Valid until the run stops: then revoked, so a token left in a terminal's scrollback opens nothing.
    const store = await TokenStore.open(tokensFile);
    for (const label of PRINTED_TOKEN_LABELS) expect(store.check(printedToken(text, label)), label).toEqual({ status: 'unknown' });
    expect(text).toContain(
      `FIELDMESH_REGISTRY_URL=${registryUrl} FIELDMESH_TOKEN=${printedToken(text, 'asset-health owner')} npx fieldmesh contracts propose contracts/asset-health/anomaly-scores.yaml`,
    );
    expect(report.slo?.breachedAtEnd).toEqual(expect.any(Array));
    expect(text).toMatch(/^SLO events: \d+ breached, \d+ recovered/m);
  });

  it('serves every product job’s counters at the printed metrics URL while it runs, and reports them per stage', async () => {
    const { status, body } = await scraped!;
    expect(status, String(body)).toBe(200);
    const text = String(body);
    const value = (name: string, domain: string, product: string) => Number(new RegExp(`^${name}\\{domain="${domain}",product="${product}"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('fieldmesh_stream_records_in_total', 'plant-telemetry', 'clean')).toBeGreaterThan(0);
    expect(value('fieldmesh_product_duplicates_total', 'plant-telemetry', 'clean')).toBeGreaterThanOrEqual(0);
    expect(value('fieldmesh_product_batches_total', 'fixture-census', 'reading-counts')).toBeGreaterThan(0);
    for (const { domain, product } of report.jobs ?? []) expect(value('fieldmesh_stream_records_out_total', domain, product), `${domain} ${product}`).toBeGreaterThanOrEqual(0);
    expect(report.jobs?.map((job) => `${job.domain} ${job.product}`)).toEqual(
      expect.arrayContaining(['plant-telemetry clean', 'asset-health features', 'fixture-census reading-counts']),
    );
    const clean = report.jobs!.find((job) => job.product === 'clean')!;
    expect(lines.join('\n')).toMatch(new RegExp(`^plant-telemetry clean +${clean.job.recordsIn} +${clean.job.recordsOut} +\\d+ +- +- +\\d+$`, 'm'));
  });

  it('serves the console’s reviews from the governed registry while it runs', async () => {
    const answer = (await consoleAnswers)?.reviews;
    expect(answer?.status, JSON.stringify(answer?.body)).toBe(200);
    expect(answer?.body).toMatchObject({ items: expect.any(Array), total: expect.any(Number) });
  });
});

interface ConsoleAnswers {
  reviews: Answer;
  catalog: Answer;
  domains: Answer;
  asyncApi: Answer;
}

/** The main job's /metrics, at the URL it printed (a failed request is status 0 and its error). */
async function scrapeMetrics(text: string): Promise<Answer> {
  const url = /^Metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics) /m.exec(text)?.[1];
  try {
    const response = await fetch(String(url), { signal: AbortSignal.timeout(30_000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: `${url}: ${String(error)}` };
  }
}

/** What the console answers the governance lead while the job runs. */
async function askConsole(text: string): Promise<ConsoleAnswers> {
  const ask = printedConsole(text);
  const [reviews, catalog, domains, asyncApi] = await Promise.all([
    ask('/api/reviews'),
    ask('/api/catalog?domain=fixture-census'),
    ask('/api/catalog/domains'),
    ask('/api/asyncapi.json'),
  ]);
  return { reviews, catalog, domains, asyncApi };
}

const PRINTED_TOKEN_LABELS = ['governance lead', 'asset-health owner', 'operator', 'analyst'] as const;

function printedToken(text: string, label: string): string {
  return new RegExp(`^  ${label}: +(fmt_[0-9a-f]{8}_[\\w-]{43})$`, 'm').exec(text)?.[1] ?? '';
}

async function verifyPrinted(tokensFile: string, text: string): Promise<Record<string, Principal | undefined>> {
  const store = await TokenStore.open(tokensFile);
  return Object.fromEntries(PRINTED_TOKEN_LABELS.map((label) => [label, store.verify(printedToken(text, label))]));
}
