import type { AlertEvent } from '@fieldmesh/domain-asset-health';
import { describe, expect, it } from 'vitest';
import { formatReport, judgeDetection, MIN_EPISODES, type MainJobReport, passed, reconcile } from './report';

const balanced: MainJobReport = {
  seconds: 60,
  plant: { published: { 'mqtt-json': 100, sparkplug: 100, opcua: 100 }, badInputs: 2 },
  gateway: { received: 262, accepted: 260, duplicates: 0, deadLettered: 2, forwarded: 262, pending: 0, dropped: 0 },
  kafka: { 'plant.telemetry.raw.v1': 260, 'plant.telemetry.raw.v1.dlq': 2 },
  failures: 1,
};

describe('main job reconciliation', () => {
  it('accepts a run where every message is accounted for', () => {
    expect(reconcile(balanced).filter((c) => !c.ok)).toEqual([]);
    expect(formatReport(balanced)).toContain('Every message is accounted for.');
  });

  it('flags a reading that vanished between the gateway and Kafka', () => {
    const lost = { ...balanced, kafka: { ...balanced.kafka, 'plant.telemetry.raw.v1': 259 } };
    expect(
      reconcile(lost)
        .filter((c) => !c.ok)
        .map((c) => c.check),
    ).toEqual(["Kafka raw + DLQ records (less the jobs' dead letters) = gateway forwarded"]);
    expect(formatReport(lost)).toContain('UNEXPLAINED LOSSES');
  });

  it("tells the clean job's dead letters in the raw DLQ from the gateway's, so readings it rejects are not counted as forwarded twice", () => {
    const rejected = { ...balanced, kafka: { ...balanced.kafka, 'plant.telemetry.raw.v1.dlq': 2 + 51 }, jobDeadLetters: { 'plant.telemetry.raw.v1.dlq': 51 } };
    expect(reconcile(rejected).filter((c) => !c.ok)).toEqual([]);
    expect(
      reconcile({ ...rejected, jobDeadLetters: {} })
        .filter((c) => !c.ok)
        .map((c) => c.actual),
    ).toEqual([260 + 2 + 51]);
  });

  it('flags MQTT readings the gateway never received', () => {
    const missed = {
      ...balanced,
      gateway: { ...balanced.gateway, received: 150, accepted: 148, forwarded: 150 },
      kafka: { 'plant.telemetry.raw.v1': 148, 'plant.telemetry.raw.v1.dlq': 2 },
    };
    expect(reconcile(missed).find((c) => !c.ok)?.check).toBe('gateway received ≥ MQTT readings the plant published');
  });

  it('fails a run whose readings never left the gateway, saying they are kept in its buffer rather than lost', () => {
    const undrained = { ...balanced, gateway: { ...balanced.gateway, forwarded: 0, pending: 262 }, kafka: {} };
    expect(passed(undrained)).toBe(false);
    expect(
      reconcile(undrained)
        .filter((c) => !c.ok)
        .map((c) => c.check),
    ).toEqual(["readings left in the gateway's disk buffer at the end (Kafka never took them)"]);
    const text = formatReport(undrained);
    expect(text).toContain("NOT DRAINED: 262 readings are still in the gateway's disk buffer");
    expect(text).not.toContain('Every message is accounted for.');
  });

  it("checks each site on its own: its MQTT readings reached its gateway and its gateway's readings reached ClickHouse", () => {
    const site = (name: string, accepted: number, rawRows: number) => ({
      site: name,
      gatewayId: `gw-${name}-1`,
      published: { 'mqtt-json': 50, sparkplug: 50, opcua: 50 },
      gateway: { received: accepted + 1, accepted, duplicates: 0, deadLettered: 1, forwarded: accepted + 1, pending: 0, dropped: 0 },
      rawRows,
    });
    const twoSites = {
      ...balanced,
      warehouse: { 'plant.telemetry.raw.v1': { table: 'fieldmesh.raw', rows: 260, deadLettered: 0 } },
      sites: [site('berlin', 130, 130), site('hamburg', 130, 130)],
    };
    expect(reconcile(twoSites).filter((c) => !c.ok)).toEqual([]);
    expect(reconcile(twoSites).map((c) => c.check)).toContain('hamburg: fieldmesh.raw rows from gw-hamburg-1 this run = its accepted readings');
    // The totals balance, but one site's readings are missing from the warehouse and the other's counted twice.
    const shifted = { ...twoSites, sites: [site('berlin', 130, 129), site('hamburg', 130, 131)] };
    expect(
      reconcile(shifted)
        .filter((c) => !c.ok)
        .map((c) => [c.check, c.expected, c.actual]),
    ).toEqual([
      ['berlin: fieldmesh.raw rows from gw-berlin-1 this run = its accepted readings', 130, 129],
      ['hamburg: fieldmesh.raw rows from gw-hamburg-1 this run = its accepted readings', 130, 131],
    ]);
    // A site whose gateway still holds readings is reported as not drained, not as a loss in ClickHouse.
    const undrained = {
      ...twoSites,
      sites: [site('berlin', 130, 130), { ...site('hamburg', 130, 120), gateway: { ...site('hamburg', 130, 120).gateway, forwarded: 121, pending: 10 } }],
    };
    expect(reconcile(undrained).some((c) => c.check.startsWith('hamburg: fieldmesh.raw rows'))).toBe(false);
    const text = formatReport(twoSites);
    expect(text).toMatch(/^ {2}gateway hamburg +131 +130 +1 +0 +0 +0$/m);
    expect(text).toMatch(/^ {2}plant berlin +- +150/m);
  });

  it('counts buffer drops as a failure', () => {
    const dropped = { ...balanced, gateway: { ...balanced.gateway, forwarded: 252, dropped: 10 }, kafka: { 'plant.telemetry.raw.v1': 250, 'plant.telemetry.raw.v1.dlq': 2 } };
    expect(reconcile(dropped).find((c) => !c.ok)?.check).toBe('records dropped by a full buffer');
  });

  it('fails a run whose counts balance but where a stage stopped producing while its input flowed, naming the stage', () => {
    expect(passed(balanced)).toBe(true);
    const stalled = { ...balanced, stalls: [{ stage: 'asset-health features', quietSeconds: 80, inputWhileQuiet: 8_000, lastOutputAt: '2026-03-01T12:00:40.000Z' }] };
    expect(passed(stalled)).toBe(false);
    const text = formatReport(stalled);
    expect(text).toContain('Every message is accounted for.');
    expect(text).toContain('STALLED: asset-health features stopped producing while input still flowed');
  });

  it('says where the records went in each product job, its duplicates where its pipeline counts them, aligned under the header', () => {
    const job = (recordsIn: number, recordsOut: number, process: number) => ({
      batches: 3,
      recordsIn,
      recordsOut,
      deadLettered: { deserialize: 1, process },
      replays: 0,
      recordsOwingNoOutput: 0,
    });
    const text = formatReport({
      ...balanced,
      jobs: [
        { domain: 'plant-telemetry', product: 'clean', job: job(260, 250, 4), pipeline: { clean: 250, duplicates: 5, dedupeMemory: { gateways: 1, chunks: 2 } } },
        { domain: 'asset-health', product: 'anomaly-operator', job: job(40, 52, 0), pipeline: { windows: 40, scores: 48 } },
      ],
    });
    const lines = text.split('\n');
    const header = lines.find((line) => line.startsWith('Stage'))!;
    const row = (stage: string) => lines.find((line) => line.startsWith(`${stage} `))!;
    expect(row('plant-telemetry clean').split(/\s+/).slice(2)).toEqual(['260', '250', '5', '-', '-', '5']);
    expect(row('asset-health anomaly-operator').split(/\s+/).slice(2)).toEqual(['40', '52', '1', '-', '-', '-']);
    // Every value ends where its column's name ends, in every row of the table.
    const ends = ['in', 'out', 'dead-letter', 'pending', 'dropped', 'duplicates'].map((column) => header.indexOf(` ${column}`) + 1 + column.length);
    for (const stage of ['gateway', 'plant-telemetry clean', 'asset-health anomaly-operator']) {
      for (const end of ends) expect(`${row(stage)[end - 1]}|${row(stage)[end] ?? ''}`, `${stage} at ${end}`).toMatch(/^\S\|\s?$/);
    }
  });

  it('gives each instance of a scaled-out domain its own row per job', () => {
    const job = (recordsIn: number) => ({ batches: 1, recordsIn, recordsOut: recordsIn, deadLettered: { deserialize: 0, process: 0 }, replays: 0, recordsOwingNoOutput: 0 });
    const lines = formatReport({
      ...balanced,
      jobs: [
        { domain: 'plant-telemetry', product: 'clean', instance: '0', job: job(120), pipeline: {} },
        { domain: 'plant-telemetry', product: 'clean', instance: '1', job: job(80), pipeline: {} },
      ],
    }).split('\n');
    expect(
      lines
        .find((line) => line.startsWith('plant-telemetry clean #0 '))
        ?.split(/\s+/)
        .slice(3, 5),
    ).toEqual(['120', '120']);
    expect(
      lines
        .find((line) => line.startsWith('plant-telemetry clean #1 '))
        ?.split(/\s+/)
        .slice(3, 5),
    ).toEqual(['80', '80']);
  });

  it('lists the slo transitions of the run and what is still breached', () => {
    const event = {
      product: 'plant-telemetry.raw',
      topic: 'plant.telemetry.raw.v1',
      slo: 'freshness',
      scope: 'acme/berlin/press-shop/line-1',
      observed: 31_000,
      objective: 30_000,
    } as const;
    const text = formatReport({
      ...balanced,
      slo: {
        events: [
          { ...event, type: 'BREACHED', at: '2026-11-22T01:05:12.000Z', message: 'line-1 breached' },
          { ...event, type: 'RECOVERED', at: '2026-11-22T01:05:40.000Z', message: 'line-1 recovered' },
        ],
        breachedAtEnd: ['asset-health.alerts freshness *'],
      },
    });
    expect(text).toContain('SLO events: 1 breached, 1 recovered; still breached at the end: asset-health.alerts freshness *');
    expect(text).toContain('2026-11-22T01:05:12.000Z BREACHED line-1 breached');
  });
});

describe('main job detection figures', () => {
  const MODES = ['bearing_wear', 'overheating'] as const;
  const opening = (assetPath: string, atMs: number) => ({ type: 'OPENED', alertId: `${assetPath}@${atMs}`, assetPath, at: new Date(atMs) }) as AlertEvent;
  /**
   * `finished` episodes and then `underWay` ones, 100 s apart on assets of their own, each alerted
   * `delaySeconds(i)` after its start, and the `events` besides; the run's report.
   */
  function detected(finished: number, delaySeconds: (i: number) => number, underWay = 0, events: AlertEvent[] = []): MainJobReport {
    const episodes = Array.from({ length: finished + underWay }, (_, i) => ({
      episode: { id: `episode-${i}`, assetPath: `acme/berlin/a/line-1/asset-${i}`, mode: MODES[i % 2]!, startMs: i * 100_000, endMs: i * 100_000 + 400_000 },
      finished: i < finished,
    }));
    const opened = episodes.map(({ episode }, i) => opening(episode.assetPath, episode.startMs + delaySeconds(i) * 1000));
    return { ...balanced, failures: episodes.length, detection: judgeDetection(episodes, [...opened, ...events]) };
  }

  it('prints no recall or delay from too few finished episodes: it says so and lists each one', () => {
    const text = formatReport(detected(2, (i) => [20, 320][i]!, 1));
    expect(text).toContain(`Failures injected: 3, finished before the end: 2: not enough episodes for recall, precision and detection delay (at least ${MIN_EPISODES};`);
    expect(text).toContain('  bearing_wear on acme/berlin/a/line-1/asset-0: alert after 20 s');
    expect(text).toContain('  overheating on acme/berlin/a/line-1/asset-1: alert after 320 s');
    expect(text).not.toContain('Detection delay');
  });

  it('prints recall, precision and the delay with each mode’s median once enough episodes finished', () => {
    const text = formatReport(detected(MIN_EPISODES, (i) => (i % 2 === 0 ? 20 : 170)));
    expect(text).toContain(
      `Failures injected: ${MIN_EPISODES}, finished before the end: ${MIN_EPISODES}, detected: ${MIN_EPISODES} (recall 100%); alerts opened: ${MIN_EPISODES}, false: 0`,
    );
    expect(text).toContain('Detection delay (plant time): median 170 s, p90 170 s; by mode: bearing_wear 4/4 (20 s), overheating 4/4 (170 s)');
  });

  it('counts an alert on an episode still under way at the end as neither a detection nor a false alarm, and one on a healthy asset as false', () => {
    const { detection } = detected(MIN_EPISODES, () => 20, 3, [opening('acme/berlin/a/line-2/healthy-1', 50_000)]);
    expect(detection).toMatchObject({ episodes: MIN_EPISODES, detected: MIN_EPISODES, alerts: MIN_EPISODES + 1, falseAlerts: 1 });
  });
});
