import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AssetHealthDomain, loadLabels, loadMapping, readRecording, recordingFiles, startAssetHealth } from '../src/index';
import { recordSimulation } from './recording';
import { type ReadRecord, readTopic } from '@fieldmesh/streams';

// Clean readings as the plant-telemetry domain publishes them (a domain reads another only through its products).
const cleanSchema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'plant-telemetry', 'CleanReading.avsc'), 'utf8')) as object;

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
  const dir = mkdtempSync(join(tmpdir(), 'asset-health-'));
  const failingPump = 'acme/berlin/press-shop/line-1/pump-1';
  let domain: AssetHealthDomain;
  let readings = 0;
  let features: ReadRecord[];
  let scores: ReadRecord[];
  let alerts: ReadRecord[];

  beforeAll(async () => {
    // 15 simulated minutes of one line; pump-1 overheats from minute 8 to the end, so its alert is still open.
    const csv = recordSimulation(dir, { name: 'plant', durationSeconds: 900, seed: 5, linesPerSite: 1, failures: [{ asset: 'line-1/pump-1', mode: 'overheating', at: 480, duration: 420 }] });
    const files = recordingFiles(csv);
    expect(loadLabels(files.labels).map((episode) => [episode.assetPath, episode.mode])).toEqual([[failingPump, 'overheating']]);

    const kafka = createKafka({ clientId: 'asset-health-test', brokers: [brokers] });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics([{ topic: topics.input, partitions: 3, replicationFactor: 1 }]);
    await admin.disconnect();
    domain = await startAssetHealth({
      kafka: { brokers: [brokers] },
      registryUrl,
      topics,
      groups: { features: `asset-health-features-${id}`, operator: `asset-health-operator-${id}` },
    });

    const serde = new AvroSerde({ registryUrl });
    const writer = await serde.writerFor(topics.input, cleanSchema);
    const producer = kafka.producer();
    await producer.connect();
    let sequence = 0;
    for await (const row of readRecording(csv, loadMapping(files.mapping))) {
      const records = row.map((reading) => {
        sequence += 1;
        const value = {
          readingTime: new Date(reading.timeMs), receivedTime: new Date(reading.timeMs + 15), gatewayId: `gw-${id}`, sequenceNumber: BigInt(sequence), deviceId: 'plc-1',
          assetPath: reading.assetPath, signal: reading.signal, value: reading.value, valueText: null, unit: reading.unit, sourceUnit: reading.unit, quality: 'GOOD', qualityCode: null,
          sourceProtocol: 'OPC_UA', sourceAddress: `ns=1;s=${reading.assetPath}.${reading.signal}`, isHistorical: false, arrival: 'IN_ORDER', operatorBadge: null, attributes: {},
        };
        return { topic: topics.input, key: reading.assetPath, value: serde.encode(writer, value) };
      });
      readings += records.length;
      await producer.send(records);
    }
    await producer.disconnect();
    await waitFor('the features job to read every reading', () => domain.stats().features.readings >= readings, 90_000);
    await waitFor('the operator to open an alert', () => domain.stats().anomalies.alertsOpened >= 1, 60_000);
    features = await readTopic({ brokers, registryUrl, topic: topics.features, timeoutMs: 30_000, until: (all) => all.length >= domain.stats().features.windows });
    scores = await readTopic({ brokers, registryUrl, topic: topics.scores, timeoutMs: 30_000, until: (all) => all.length >= domain.stats().anomalies.scores });
    alerts = await readTopic({ brokers, registryUrl, topic: topics.alerts, timeoutMs: 30_000, until: (all) => all.some((r) => r.value.type === 'OPENED') });
  }, 240_000);

  afterAll(async () => {
    await domain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes one features record per asset and 10 s window with the statistics of every numeric signal', () => {
    expect(features.length).toBe(domain.stats().features.windows);
    // 4 assets × 90 windows; the last window of each asset is still open (no later reading closes it).
    expect(features.length).toBeGreaterThanOrEqual(4 * 88);
    const pumpWindow = features.find((r) => r.key === failingPump)!.value as { assetClass: string; windowStart: Date; windowEnd: Date; signals: Array<{ signal: string; count: number; mean: number }> };
    expect(pumpWindow.assetClass).toBe('pump');
    expect(pumpWindow.windowEnd.getTime() - pumpWindow.windowStart.getTime()).toBe(10_000);
    expect(pumpWindow.signals.map((s) => s.signal)).toEqual(['bearing_temperature', 'discharge_pressure', 'flow', 'load', 'motor_current', 'power', 'vibration_rms']);
    expect(domain.stats().featuresJob.deadLettered).toEqual({ deserialize: 0, process: 0 });
  });

  it('scores windows with the shipped models, naming model version, threshold and the top features', () => {
    expect(scores.length).toBeGreaterThan(300);
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
    expect(event.at.getTime()).toBeGreaterThanOrEqual(1_795_000_000_000 + 480_000);
    expect(event.at.getTime()).toBeLessThanOrEqual(1_795_000_000_000 + 900_000);
    expect(event.modelName).toBe('asset-health-pump');
  });

  it('publishes each workflow step a person takes, and refuses a step out of order', async () => {
    const [alert] = domain.alerts({ status: ['OPENED'] });
    expect(alert?.assetPath).toBe(failingPump);
    await expect(domain.transitionAlert({ alertId: alert!.alertId, action: 'DISPATCHED', by: 'op-7', workOrderId: 'WO-1' })).rejects.toThrow(/next steps are ACKNOWLEDGED or CLOSED/);
    await domain.transitionAlert({ alertId: alert!.alertId, action: 'ACKNOWLEDGED', by: 'op-7' });
    await domain.transitionAlert({ alertId: alert!.alertId, action: 'DIAGNOSED', by: 'op-7', diagnosis: 'overheating', note: 'bearing temperature 35 K above normal' });
    const steps = await readTopic({ brokers, registryUrl, topic: topics.alerts, timeoutMs: 30_000, until: (all) => all.some((r) => r.value.type === 'DIAGNOSED') });
    expect(steps.filter((r) => r.value.alertId === alert!.alertId).map((r) => [r.value.type, r.value.by])).toEqual([
      ['OPENED', 'system:asset-health'],
      ['ACKNOWLEDGED', 'op-7'],
      ['DIAGNOSED', 'op-7'],
    ]);
  });
});
