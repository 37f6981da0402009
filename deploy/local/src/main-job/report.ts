import { type AlertEvent, type BacktestMetrics, evaluateAlerts, type LabelledEpisode } from '@fieldmesh/domain-asset-health';
import type { GatewayCounts } from '@fieldmesh/edge-gateway';
import type { ProductStats } from '@fieldmesh/products';
import type { SloEvent } from '@fieldmesh/slo';
import type { Stall } from './stall.detector';

/** One site's plant and gateway, and what of it reached ClickHouse. */
export interface SiteReport {
  site: string;
  gatewayId: string;
  /** What the site's simulator published, by output. */
  published: Record<string, number>;
  gateway: GatewayCounts;
  /** Rows of the raw product's ClickHouse table that this site's gateway produced during the run; absent when the query failed. */
  rawRows?: number;
}

export interface MainJobReport {
  seconds: number;
  /** Every site together. */
  plant: { published: Record<string, number>; badInputs: number };
  /** Every site's gateway together. */
  gateway: GatewayCounts;
  /** Each site on its own (the plant, the gateway, its raw rows in ClickHouse). */
  sites?: SiteReport[];
  /** Each product job's counters (the stream runtime's and its pipeline's), upstream first. */
  /** Each product job's counters; with several instances of the domains, one entry per instance (`instance`). */
  jobs?: Array<{ domain: string; product: string; instance?: string } & ProductStats>;
  /** Records added to each topic during the run (end offsets after minus before). */
  kafka: Record<string, number>;
  /** Records each topic holds at the end (what a fresh warehouse must hold). */
  kafkaTotals?: Record<string, number>;
  /** Dead letters the product jobs wrote this run, by DLQ topic: the clean job's land in the raw product's DLQ beside the gateway's. */
  jobDeadLetters?: Record<string, number>;
  /** Per product topic: its ClickHouse table and the rows (and dead letters) the sink wrote this run. */
  warehouse?: Record<string, { table: string; rows: number; deadLettered: number }>;
  failures: number;
  /** Failures injected vs alerts opened. */
  detection?: BacktestMetrics;
  /** Model versions in use per asset class. */
  models?: Record<string, { champion: string; shadow?: string }>;
  analystQueries?: Array<{ name: string; rows: Array<Record<string, unknown>> }>;
  /** The live SLO monitor's transitions during the run, and what was still breached at the end. */
  slo?: { events: SloEvent[]; breachedAtEnd: string[] };
  /** Stages that stopped producing while their input still flowed (see StallDetector). */
  stalls?: Stall[];
}

export interface Reconciliation {
  check: string;
  expected: number;
  actual: number;
  ok: boolean;
}

/**
 * The equations that say where every message went. MQTT readings are acknowledged to the broker only
 * once durable, so each published MQTT reading must reach the gateway; OPC UA is sampled, so it has no
 * such equation.
 */
export function reconcile(report: MainJobReport): Reconciliation[] {
  const g = report.gateway;
  const raw = report.kafka['plant.telemetry.raw.v1'] ?? 0;
  const dlq = (report.kafka['plant.telemetry.raw.v1.dlq'] ?? 0) - (report.jobDeadLetters?.['plant.telemetry.raw.v1.dlq'] ?? 0);
  const mqtt = mqttPublished(report.plant.published);
  const rows: Array<[string, number, number]> = [
    ['gateway received ≥ MQTT readings the plant published', mqtt, Math.min(g.received, mqtt)],
    ['gateway received = accepted + dead-lettered + redelivered duplicates', g.received, g.accepted + g.deadLettered + g.duplicates],
    ['gateway buffered = forwarded to Kafka + pending', g.accepted + g.deadLettered, g.forwarded + g.pending + g.dropped],
    ['records dropped by a full buffer', 0, g.dropped],
    // Not a loss (the disk buffer keeps them for the next start), but a run whose readings never left the gateway did not run the pipeline.
    [DRAINED_CHECK, 0, g.pending],
    ["Kafka raw + DLQ records (less the jobs' dead letters) = gateway forwarded", g.forwarded, raw + dlq],
  ];
  const rawTable = report.warehouse?.['plant.telemetry.raw.v1']?.table ?? 'the raw table';
  for (const site of report.sites ?? []) {
    const siteMqtt = mqttPublished(site.published);
    rows.push([`${site.site}: gateway ${site.gatewayId} received ≥ MQTT readings the site published`, siteMqtt, Math.min(site.gateway.received, siteMqtt)]);
    // Readings still in the site's buffer are kept, not lost: the drained check says so, and this one waits for a drained gateway.
    if (site.rawRows !== undefined && site.gateway.pending === 0)
      rows.push([`${site.site}: ${rawTable} rows from ${site.gatewayId} this run = its accepted readings`, site.gateway.accepted, site.rawRows]);
  }
  for (const [topic, table] of Object.entries(report.warehouse ?? {})) {
    rows.push([`${table.table} rows + sink dead letters = ${topic} records`, (report.kafkaTotals ?? report.kafka)[topic] ?? 0, table.rows + table.deadLettered]);
  }
  return rows.map(([check, expected, actual]) => ({ check, expected, actual, ok: expected === actual }));
}

function mqttPublished(published: Record<string, number>): number {
  return (published['mqtt-json'] ?? 0) + (published.sparkplug ?? 0);
}

const DRAINED_CHECK = "readings left in the gateway's disk buffer at the end (Kafka never took them)";

/** The verdict under the reconciliation table: losses, or readings that only waited in the buffer. */
function verdict(checks: Reconciliation[]): string {
  const failed = checks.filter((c) => !c.ok);
  if (failed.length === 0) return 'Every message is accounted for.';
  if (failed.every((c) => c.check === DRAINED_CHECK)) {
    return `NOT DRAINED: ${failed[0]!.actual} readings are still in the gateway's disk buffer (kept, not lost; forwarded when Kafka takes them).`;
  }
  return 'UNEXPLAINED LOSSES: see the failed checks above.';
}

/** Whether the run passed: every message accounted for and no stage stalled. The main job's exit code. */
export function passed(report: MainJobReport): boolean {
  return reconcile(report).every((check) => check.ok) && (report.stalls ?? []).length === 0;
}

export function formatReport(report: MainJobReport): string {
  const checks = reconcile(report);
  const lines = [
    '',
    `Fieldmesh main job: ${report.seconds} s`,
    '',
    ...stageLines(report),
    '',
    'Topic                                    this run   in topic   ClickHouse table                                   rows',
    ...Object.entries(report.kafka)
      .filter(([topic, count]) => count > 0 || (report.kafkaTotals?.[topic] ?? 0) > 0)
      .map(([topic, count]) => {
        const table = report.warehouse?.[topic];
        return `${topic.padEnd(38)} ${pad(count, 10)} ${pad(report.kafkaTotals?.[topic] ?? count, 10)}   ${(table?.table ?? '-').padEnd(44)} ${table ? pad(table.rows, 10) : ''}`;
      }),
    '',
    ...detectionLines(report),
    ...Object.entries(report.models ?? {}).map(([assetClass, m]) => `Model for ${assetClass}: ${m.champion}${m.shadow ? ` (shadow ${m.shadow})` : ''}`),
    '',
    ...sloLines(report),
    ...(report.analystQueries ?? []).flatMap((q) => [`Analyst query ${q.name} (${q.rows.length} rows):`, ...q.rows.slice(0, 8).map((row) => `  ${JSON.stringify(row)}`), '']),
    'Reconciliation:',
    ...checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: expected ${c.expected}, got ${c.actual}`),
    verdict(checks),
    ...stallLines(report),
  ];
  return lines.join('\n');
}

function pad(n: number | undefined, width: number): string {
  return String(n ?? 0).padStart(width);
}

/** Widths of the stage table's columns: in, out, dead-letter, pending, dropped, duplicates. */
const STAGE_COLUMNS = [9, 9, 12, 8, 7, 10];

/** Where the records went at each stage: the plant, the gateway, then each product job (what its pipeline dropped as duplicates where it counts them). */
function stageLines(report: MainJobReport): string[] {
  const p = report.plant.published;
  const g = report.gateway;
  const jobs = (report.jobs ?? []).map((job) => ({ label: `${job.domain} ${job.product}${job.instance === undefined ? '' : ` #${job.instance}`}`, job }));
  const width = Math.max(24, ...jobs.map(({ label }) => label.length + 2));
  const row = (label: string, cells: Array<number | string>, note = '') =>
    `${label.padEnd(width)}${cells.map((cell, i) => `${i === 0 ? '' : '  '}${String(cell).padStart(STAGE_COLUMNS[i]!)}`).join('')}${note}`;
  return [
    `${'Stage'.padEnd(width + STAGE_COLUMNS[0]! - 'in'.length)}in        out   dead-letter   pending  dropped  duplicates`,
    row(
      'plant (simulator)',
      ['-', p['mqtt-json']! + p.sparkplug! + p.opcua!, '-', '-', '-'],
      `   (MQTT JSON ${p['mqtt-json']}, Sparkplug ${p.sparkplug}, OPC UA ${p.opcua}; ${report.plant.badInputs} malformed)`,
    ),
    row('gateway', [g.received, g.accepted, g.deadLettered, g.pending, g.dropped, g.duplicates]),
    ...siteRows(report, row),
    ...jobs.map(({ label, job: { job, pipeline } }) => {
      const duplicates = (pipeline as { duplicates?: unknown }).duplicates;
      return row(label, [job.recordsIn, job.recordsOut, job.deadLettered.deserialize + job.deadLettered.process, '-', '-', typeof duplicates === 'number' ? duplicates : '-']);
    }),
  ];
}

/** With several sites, each site's plant and gateway under the totals. */
function siteRows(report: MainJobReport, row: (label: string, cells: Array<number | string>, note?: string) => string): string[] {
  const sites = report.sites ?? [];
  if (sites.length < 2) return [];
  return sites.flatMap(({ site, published: p, gateway: g }) => [
    row(`  plant ${site}`, ['-', (p['mqtt-json'] ?? 0) + (p.sparkplug ?? 0) + (p.opcua ?? 0), '-', '-', '-']),
    row(`  gateway ${site}`, [g.received, g.accepted, g.deadLettered, g.pending, g.dropped, g.duplicates]),
  ]);
}

/**
 * Finished episodes a run needs before its recall, precision and detection delay are printed: below it one
 * slow episode decides the median (of two, the slower). A run of 120 s at 10× finishes 8 (DEFAULT_FAILURES).
 */
export const MIN_EPISODES = 8;

/**
 * The run's failures against its alerts. Only episodes that finished before their plant stopped are scored:
 * one still under way has had no chance to be detected. An alert opened on an episode still under way is not
 * scored either: it is neither a detection of a finished episode nor a false alarm.
 */
export function judgeDetection(episodes: ReadonlyArray<{ episode: LabelledEpisode; finished: boolean }>, events: readonly AlertEvent[]): BacktestMetrics {
  const underWay = episodes.filter(({ finished }) => !finished).map(({ episode }) => episode);
  const judged = events.filter((event) => !underWay.some((episode) => episode.assetPath === event.assetPath && event.at.getTime() >= episode.startMs));
  return evaluateAlerts(
    episodes.filter(({ finished }) => finished).map(({ episode }) => episode),
    judged,
    { graceMs: 120_000, assetHoursNormal: 0, windows: { normalWindows: 0, normalAnomalous: 0 } },
  );
}

function detectionLines(report: MainJobReport): string[] {
  const d = report.detection;
  if (!d) return [`Failures injected: ${report.failures}`];
  const percent = (x: number) => `${(x * 100).toFixed(0)}%`;
  if (d.episodes < MIN_EPISODES) {
    return [
      `Failures injected: ${report.failures}, finished before the end: ${d.episodes}: not enough episodes for recall, precision and detection delay (at least ${MIN_EPISODES}; run longer, e.g. --duration 120)`,
      ...d.outcomes.map(
        ({ episode, delaySeconds }) =>
          `  ${episode.mode} on ${episode.assetPath}: ${delaySeconds === undefined ? 'no alert while it lasted' : `alert after ${Math.round(delaySeconds)} s`}`,
      ),
    ];
  }
  return [
    `Failures injected: ${report.failures}, finished before the end: ${d.episodes}, detected: ${d.detected} (recall ${percent(d.recall)}); alerts opened: ${d.alerts}, false: ${d.falseAlerts} (precision ${percent(d.precision)})`,
    `Detection delay (plant time): median ${seconds(d.delaySeconds.median)}, p90 ${seconds(d.delaySeconds.p90)}; by mode: ${Object.entries(d.byMode)
      .map(([mode, m]) => `${mode} ${m.detected}/${m.episodes} (${seconds(m.medianDelaySeconds)})`)
      .join(', ')}`,
  ];
}

function seconds(value: number | null): string {
  return value === null ? '-' : `${Math.round(value)} s`;
}

function stallLines(report: MainJobReport): string[] {
  const stalls = report.stalls ?? [];
  if (stalls.length === 0) return [];
  return [
    '',
    `STALLED: ${stalls.map((s) => s.stage).join(', ')} stopped producing while input still flowed:`,
    ...stalls.map(
      (s) => `  ${s.stage}: no output for ${s.quietSeconds} s after ${s.lastOutputAt} while ${s.inputWhileQuiet} records came in (see its dead letters and late counts)`,
    ),
  ];
}

function sloLines(report: MainJobReport): string[] {
  if (!report.slo) return [];
  const { events, breachedAtEnd } = report.slo;
  const count = (type: SloEvent['type']) => events.filter((event) => event.type === type).length;
  return [
    `SLO events: ${count('BREACHED')} breached, ${count('RECOVERED')} recovered; still breached at the end: ${breachedAtEnd.length === 0 ? 'none' : breachedAtEnd.join(', ')}`,
    ...events.slice(-10).map((event) => `  ${event.at} ${event.type} ${event.message}`),
    '',
  ];
}
