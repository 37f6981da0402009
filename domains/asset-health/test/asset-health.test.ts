import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka, readTopicToEnd } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDomain } from '@fieldmesh/products';
import { type AlertEvent, type AssetHealthDomain, domain as assetHealth, loadLabels, loadMapping, readRecording, recordingFiles } from '../src/index';
import { foreignStep } from './alert-steps';
import { recordSimulation } from './recording';
import { type ReadRecord, readTopic } from '@fieldmesh/streams';

// Clean readings as the plant-telemetry domain publishes them (a domain reads another only through its products).
const cleanSchema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'plant-telemetry', 'CleanReading.avsc'), 'utf8')) as object;
const alertsSchema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'asset-health', 'AlertEvent.avsc'), 'utf8')) as object;
/**
 * The recording's clock starts an hour ago, on a minute. Not at a fixed date: records this test writes carry their
 * windows' times, and once those are older than a topic's retention (the contracts' P7D) the broker's retention
 * check deletes a partition's first records mid-test, which read back as features and scores missing.
 */
const START_MS = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('clean readings with an injected failure → features, anomaly scores and an alert on Kafka and the registry', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const id = randomUUID().slice(0, 8);
  const topics = {
    input: `plant.telemetry.clean.v1.test-${id}`,
    features: `asset-health.features.v1.test-${id}`,
    scores: `asset-health.anomaly-scores.v1.test-${id}`,
    alerts: `asset-health.alerts.v1.test-${id}`,
  };
  const products = {
    'plant-telemetry.clean': topics.input,
    'asset-health.features': topics.features,
    'asset-health.anomaly-scores': topics.scores,
    'asset-health.alerts': topics.alerts,
  };
  const dir = mkdtempSync(join(tmpdir(), 'asset-health-'));
  const failingPump = 'acme/berlin/press-shop/line-1/pump-1';
  const kafka = createKafka({ clientId: 'asset-health-test', brokers: [brokers] });
  const serde = new AvroSerde({ registryUrl });
  const config = {
    kafka: { brokers: [brokers] },
    registryUrl,
    topics: products,
    groups: { features: `asset-health-features-${id}`, 'anomaly-operator': `asset-health-operator-${id}` },
  };
  let csv: string;
  let domain: AssetHealthDomain;
  let readings = 0;
  let sequence = 0;
  let features: ReadRecord[];
  let scores: ReadRecord[];
  let alerts: ReadRecord[];

  beforeAll(async () => {
    // 15 simulated minutes of one line; pump-1 overheats from minute 8 to the end, so its alert is still open.
    csv = recordSimulation(dir, {
      name: 'plant',
      durationSeconds: 900,
      seed: 5,
      linesPerSite: 1,
      failures: [{ asset: 'line-1/pump-1', mode: 'overheating', at: 480, duration: 420 }],
      startTimeMs: START_MS,
    });
    const files = recordingFiles(csv);
    expect(loadLabels(files.labels).map((episode) => [episode.assetPath, episode.mode])).toEqual([[failingPump, 'overheating']]);

    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics([{ topic: topics.input, partitions: 3, replicationFactor: 1 }]);
    await admin.disconnect();
    domain = await startDomain(assetHealth, config);
    await produceReadings();
    await waitFor('the features job to read every reading', () => domain.stats().features.pipeline.readings >= readings, 90_000);
    await waitFor('the operator to open an alert', () => domain.stats()['anomaly-operator'].pipeline.alertsOpened >= 1, 60_000);
    // A pipeline counts its windows and scores when it computes them, its job counts recordsOut once they are
    // acknowledged: read the topics only after that, and after the operator has read every features record.
    // (Reading earlier raced the last batch's send on a loaded machine: the features read timed out without the
    // tail of one partition, and the scores read stopped early at the count the lagging operator had then.)
    const features$ = () => domain.stats().features;
    const operator$ = () => domain.stats()['anomaly-operator'];
    await waitFor('the features job to have its windows acknowledged', () => features$().job.recordsOut >= features$().pipeline.windows, 60_000);
    await waitFor('the operator to read every features record', () => operator$().pipeline.windows >= features$().job.recordsOut, 60_000);
    await waitFor(
      'the operator to have its outputs acknowledged',
      () => {
        const { job, pipeline } = operator$();
        return job.recordsOut >= pipeline.scores + pipeline.alertsOpened + pipeline.alertsClosed;
      },
      60_000,
    );
    const windows = features$().job.recordsOut;
    const scored = operator$().pipeline.scores;
    features = await readTopic({ brokers, registryUrl, topic: topics.features, timeoutMs: 30_000, until: (all) => all.length >= windows });
    scores = await readTopic({ brokers, registryUrl, topic: topics.scores, timeoutMs: 30_000, until: (all) => all.length >= scored });
    alerts = await readTopic({ brokers, registryUrl, topic: topics.alerts, timeoutMs: 30_000, until: (all) => all.some((r) => r.value.type === 'OPENED') });
  }, 240_000);

  /** Produces the recording's readings (those before `beforeMs` only, `shiftMs` later when given) as clean readings. */
  async function produceReadings(options: { beforeMs?: number; shiftMs?: number } = {}): Promise<void> {
    const writer = await serde.writerFor(topics.input, cleanSchema);
    const producer = kafka.producer();
    await producer.connect();
    for await (const row of readRecording(csv, loadMapping(recordingFiles(csv).mapping))) {
      const records = row
        .filter((reading) => options.beforeMs === undefined || reading.timeMs < options.beforeMs)
        .map((reading) => {
          sequence += 1;
          const timeMs = reading.timeMs + (options.shiftMs ?? 0);
          const value = {
            readingTime: new Date(timeMs),
            receivedTime: new Date(timeMs + 15),
            gatewayId: `gw-${id}`,
            sequenceNumber: BigInt(sequence),
            deviceId: 'plc-1',
            assetPath: reading.assetPath,
            signal: reading.signal,
            value: reading.value,
            valueText: null,
            unit: reading.unit,
            sourceUnit: reading.unit,
            quality: 'GOOD',
            qualityCode: null,
            sourceProtocol: 'OPC_UA',
            sourceAddress: `ns=1;s=${reading.assetPath}.${reading.signal}`,
            isHistorical: false,
            arrival: 'IN_ORDER',
            operatorBadge: null,
            attributes: {},
          };
          return { topic: topics.input, key: reading.assetPath, value: serde.encode(writer, value) };
        });
      if (records.length === 0) continue;
      readings += records.length;
      await producer.send(records);
    }
    await producer.disconnect();
  }

  /** The alerts topic as it is now, decoded. */
  async function alertEvents(): Promise<AlertEvent[]> {
    const records = await readTopicToEnd(kafka, topics.alerts, { groupPrefix: `asset-health-test-${id}` });
    return Promise.all(records.map(async (record) => (await serde.decode<AlertEvent>(record.value!, { topic: topics.alerts })).value));
  }

  afterAll(async () => {
    await domain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes one features record per asset and 10 s window with the statistics of every numeric signal', () => {
    // The job's counters (batches, records out, replays) say which side fell short when the counts differ.
    expect(features.length, JSON.stringify(domain.stats().features)).toBe(domain.stats().features.pipeline.windows);
    // 4 assets × 90 windows; the last window of each asset is still open (no later reading closes it).
    expect(features.length).toBeGreaterThanOrEqual(4 * 88);
    const pumpWindow = features.find((r) => r.key === failingPump)!.value as {
      assetClass: string;
      windowStart: Date;
      windowEnd: Date;
      signals: Array<{ signal: string; count: number; mean: number }>;
    };
    expect(pumpWindow.assetClass).toBe('pump');
    expect(pumpWindow.windowEnd.getTime() - pumpWindow.windowStart.getTime()).toBe(10_000);
    expect(pumpWindow.signals.map((s) => s.signal)).toEqual(['bearing_temperature', 'discharge_pressure', 'flow', 'load', 'motor_current', 'power', 'vibration_rms']);
    // Every window kept the features contract's rules, and every clean reading the clean contract's.
    expect(domain.stats().features.job.deadLettered).toEqual({ deserialize: 0, process: 0, validateInput: 0, validateOutput: 0 });
  });

  it('scores windows with the shipped models, naming model version, threshold and the top features', () => {
    expect(scores.length, JSON.stringify(domain.stats()['anomaly-operator'].job)).toBeGreaterThan(300);
    // Its scores and alerts kept their contracts' rules, and the features it read kept theirs.
    expect(domain.stats()['anomaly-operator'].job.deadLettered).toMatchObject({ validateInput: 0, validateOutput: 0 });
    const anomalous = scores.filter((r) => r.key === failingPump && r.value.anomalous === true);
    expect(anomalous.length).toBeGreaterThan(5);
    const first = anomalous[0]!.value as { modelName: string; modelVersion: string; role: string; score: number; threshold: number; contributors: Array<{ feature: string }> };
    expect(first).toMatchObject({ modelName: 'asset-health-pump', modelVersion: '1.0.0', role: 'CHAMPION' });
    expect(first.score).toBeGreaterThan(first.threshold);
    expect(first.contributors.length).toBeGreaterThan(0);
  });

  it('opens one alert for the overheating pump, after the failure started, with who and when', () => {
    const opened = alerts.filter((r) => r.value.type === 'OPENED');
    expect(opened.map((r) => r.key)).toEqual([failingPump]);
    const event = opened[0]!.value as { by: string; at: Date; windowStart: Date; modelName: string };
    expect(event.by).toBe('system:asset-health');
    expect(event.at.getTime()).toBeGreaterThanOrEqual(START_MS + 480_000);
    expect(event.at.getTime()).toBeLessThanOrEqual(START_MS + 900_000);
    expect(event.modelName).toBe('asset-health-pump');
  });

  it('folds a step someone else produced to the alerts topic, and then never auto-closes the alert they acknowledged', async () => {
    const [alert] = domain.api.alerts({ status: ['OPENED'] });
    expect(alert?.assetPath).toBe(failingPump);
    // As the console does: validate on its own fold of the topic, produce the event, never call the domain.
    const acknowledged = foreignStep(alert!.history[0]!, 'ACKNOWLEDGED', 'op-console', { at: new Date() });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([{ topic: topics.alerts, key: failingPump, value: serde.encode(await serde.writerFor(topics.alerts, alertsSchema), acknowledged) }]);
    await producer.disconnect();
    await waitFor('the domain to fold the acknowledgement', () => domain.api.alerts().find((a) => a.alertId === alert!.alertId)?.status === 'ACKNOWLEDGED', 30_000);

    // Eight normal minutes of the pump after the failing ones: 48 normal windows, far more than the
    // 6 after which the operator closes an alert nobody acknowledged.
    const windowsBefore = domain.stats().features.pipeline.windows;
    await produceReadings({ beforeMs: START_MS + 480_000, shiftMs: 900_000 });
    await waitFor('the features job to read the normal readings', () => domain.stats().features.pipeline.readings >= readings, 90_000);
    expect(domain.stats().features.pipeline.windows).toBeGreaterThan(windowsBefore + 4 * 40);
    await waitFor('the operator to score every window', () => domain.stats()['anomaly-operator'].pipeline.windows >= domain.stats().features.pipeline.windows, 60_000);
    expect(domain.stats()['anomaly-operator'].pipeline.alertsClosed).toBe(0);
    expect(domain.api.alerts().find((a) => a.alertId === alert!.alertId)?.status).toBe('ACKNOWLEDGED');
    expect((await alertEvents()).map((e) => [e.type, e.by])).toEqual([
      ['OPENED', 'system:asset-health'],
      ['ACKNOWLEDGED', 'op-console'],
    ]);
    expect(domain.api.alertStats().alertEvents).toEqual({ undecodable: 0, skipped: 0 });
  }, 180_000);

  it('publishes each workflow step a person takes, and refuses a step out of order', async () => {
    const [alert] = domain.api.alerts({ status: ['ACKNOWLEDGED'] });
    expect(alert?.assetPath).toBe(failingPump);
    await expect(domain.api.transitionAlert({ alertId: alert!.alertId, action: 'DISPATCHED', by: 'op-7', workOrderId: 'WO-1' })).rejects.toThrow(
      /next steps are DIAGNOSED or CLOSED/,
    );
    await domain.api.transitionAlert({ alertId: alert!.alertId, action: 'DIAGNOSED', by: 'op-7', diagnosis: 'overheating', note: 'bearing temperature 35 K above normal' });
    const steps = await readTopic({ brokers, registryUrl, topic: topics.alerts, timeoutMs: 30_000, until: (all) => all.some((r) => r.value.type === 'DIAGNOSED') });
    expect(steps.filter((r) => r.value.alertId === alert!.alertId).map((r) => [r.value.type, r.value.by])).toEqual([
      ['OPENED', 'system:asset-health'],
      ['ACKNOWLEDGED', 'op-console'],
      ['DIAGNOSED', 'op-7'],
    ]);
  });

  it('knows the alerts in progress after a restart, from the alerts topic', async () => {
    await domain.close();
    domain = await startDomain(assetHealth, config);
    // start resolves once the topic is folded: nothing to wait for
    expect(domain.api.alerts().map((a) => [a.assetPath, a.status, a.diagnosis, a.history.map((e) => e.by)])).toEqual([
      [failingPump, 'DIAGNOSED', 'overheating', ['system:asset-health', 'op-console', 'op-7']],
    ]);
    expect(domain.api.alertStats().openAlerts).toBe(1);
    expect((await domain.api.transitionAlert({ alertId: domain.api.alerts()[0]!.alertId, action: 'DISPATCHED', by: 'planner-2', workOrderId: 'WO-12' })).type).toBe('DISPATCHED');
  });

  it('refuses a step whose event would break the alerts contract, writing nothing, and leaves the alert as it was', async () => {
    // Another writer put an alert on the topic whose asset path breaks the contract's ISA-95 rule.
    const flat = 'pump-without-a-hierarchy';
    const [template] = domain.api.alerts();
    const opened = foreignStep(template!.history[0]!, 'OPENED', 'system:elsewhere', { alertId: `${flat}@0`, eventId: `${flat}@0/OPENED`, assetPath: flat, at: new Date() });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([{ topic: topics.alerts, key: flat, value: serde.encode(await serde.writerFor(topics.alerts, alertsSchema), opened) }]);
    await producer.disconnect();
    await waitFor('the domain to fold the foreign alert', () => domain.api.alerts().some((a) => a.alertId === opened.alertId), 30_000);

    await expect(domain.api.transitionAlert({ alertId: opened.alertId, action: 'ACKNOWLEDGED', by: 'op-7' })).rejects.toThrow(
      /breaks contract asset-health\.alerts: rule asset-path-is-isa95 on field assetPath/,
    );
    expect(domain.api.alerts().find((a) => a.alertId === opened.alertId)?.status).toBe('OPENED');
    const events = await readTopic({ brokers, registryUrl, topic: topics.alerts, timeoutMs: 3_000, until: () => false });
    expect(events.filter((r) => r.value.alertId === opened.alertId).map((r) => r.value.type)).toEqual(['OPENED']);
  });
});
