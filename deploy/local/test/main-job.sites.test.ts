import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createKafka } from '@fieldmesh/kafka';
import { readLineageGraph } from '@fieldmesh/lineage';
import { attachStack } from '@fieldmesh/testing';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runMainJob } from '../src/main-job/main-job';
import { type MainJobReport, reconcile } from '../src/main-job/report';
import { printedConsole } from './printed-console';

const SITES = ['berlin', 'hamburg'];

describe('the main job with two sites', () => {
  const lines: string[] = [];
  let report: MainJobReport;
  let stateDir: string;
  /** The console's site filters as the governance lead, asked once the plants have run for 15 s. */
  let consoleAnswers: Promise<Record<string, unknown>> | undefined;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'fm-main-job-sites-'));
    report = await runMainJob({
      stack: attachStack(inject('stackDir')),
      stateDir,
      tokensFile: join(stateDir, 'tokens.json'),
      durationSeconds: 30,
      sites: 2,
      runId: basename(stateDir),
      signal: new AbortController().signal,
      output: {
        out: (line) => lines.push(line),
        err: (line) => {
          lines.push(line);
          if (Number(/^\[\s*(\d+) s\]/.exec(line)?.[1] ?? 0) >= 15) consoleAnswers ??= askConsole(lines.join('\n'));
        },
      },
    });
  }, 240_000);

  it('runs each site as its own plant and gateway into the one cluster, and accounts for every reading of each site in ClickHouse', () => {
    expect(reconcile(report).filter((check) => !check.ok)).toEqual([]);
    expect(report.sites?.map((site) => [site.site, site.gatewayId])).toEqual(SITES.map((site) => [site, `gw-${site}-1`]));
    for (const site of report.sites!) {
      expect(site.published['mqtt-json'], site.site).toBeGreaterThan(1_000);
      expect(site.published.opcua, site.site).toBeGreaterThan(0);
      expect(site.rawRows, site.site).toBe(site.gateway.accepted);
    }
    const checks = reconcile(report).map((check) => check.check);
    for (const site of SITES) expect(checks).toContain(`${site}: gateway gw-${site}-1 received ≥ MQTT readings the site published`);
    expect(lines.join('\n')).toMatch(/^ {2}gateway hamburg +\d+/m);
  });

  it('gives each site its own site CA and pseudonymisation key', () => {
    const [berlin, hamburg] = SITES.map((site) => join(stateDir, 'sites', site)) as [string, string];
    expect(readFileSync(join(berlin, 'mqtt', 'site-ca', 'ca.crt.pem'), 'utf8')).not.toBe(readFileSync(join(hamburg, 'mqtt', 'site-ca', 'ca.crt.pem'), 'utf8'));
    expect(readFileSync(join(berlin, 'gateway', 'keys', 'pseudonymisation.key'))).not.toEqual(readFileSync(join(hamburg, 'gateway', 'keys', 'pseudonymisation.key')));
  });

  it('shows two gateways feeding raw telemetry in the lineage, each reading its own site only', async () => {
    const graph = await readLineageGraph(createKafka({ clientId: 'main-job-sites-test', brokers: [inject('kafkaBrokers')] }));
    const upstream = graph.upstream(graph.resolve('plant.telemetry.raw.v1'));
    for (const site of SITES) {
      const edges = upstream.edges.filter((edge) => edge.job.endsWith(`/edge-gateway.gw-${site}-1`));
      expect(edges.length, site).toBeGreaterThan(0);
      const sources = edges.map((edge) => edge.from).filter((from) => from.startsWith('mqtt://'));
      expect(sources.length, site).toBeGreaterThan(0);
      for (const source of sources) expect(source, site).toMatch(new RegExp(`/(acme|spBv1\\.0)/${site}/`));
    }
  });

  it('judges SLOs per site and filters the console’s catalog and alert board by site', async () => {
    const answers = await consoleAnswers!;
    expect(answers.sites).toEqual(expect.arrayContaining(SITES.map((site) => expect.objectContaining({ site }))));
    const rawAt = answers.rawAtHamburg as { items: Array<{ id: string }> };
    expect(rawAt.items.map((product) => product.id)).toContain('plant-telemetry.raw');
    const slo = answers.hamburgSlo as { status: Array<{ product: string; slo: string; scope: string; state: string }> };
    expect(slo.status).toEqual(expect.arrayContaining([expect.objectContaining({ product: 'plant-telemetry.raw', slo: 'freshness', scope: 'acme/hamburg', state: 'ok' })]));
    // The board of each site shows its own alerts only, and the two together are every alert.
    const [all, berlin, hamburg] = [answers.alerts, answers.berlinAlerts, answers.hamburgAlerts] as Array<{ total: number; items: Array<{ assetPath: string }> }>;
    for (const alert of berlin!.items) expect(alert.assetPath).toMatch(/^acme\/berlin\//);
    for (const alert of hamburg!.items) expect(alert.assetPath).toMatch(/^acme\/hamburg\//);
    expect(berlin!.total + hamburg!.total).toBe(all!.total);
  });
});

/** The console's site filters and per-site SLOs, as the governance lead sees them. */
async function askConsole(text: string): Promise<Record<string, unknown>> {
  const ask = printedConsole(text);
  const [sites, rawAtHamburg, hamburgSlo, alerts, berlinAlerts, hamburgAlerts] = await Promise.all([
    ask('/api/catalog/sites'),
    ask('/api/catalog?site=hamburg&domain=plant-telemetry'),
    ask('/api/slo?search=acme/hamburg%20freshness'),
    ask('/api/alerts'),
    ask('/api/alerts?site=berlin'),
    ask('/api/alerts?site=hamburg'),
  ]);
  return Object.fromEntries(Object.entries({ sites, rawAtHamburg, hamburgSlo, alerts, berlinAlerts, hamburgAlerts }).map(([name, answer]) => [name, answer.body]));
}
