import 'reflect-metadata';
import { FileModelRegistry } from '@fieldmesh/ml';
import type { AvroSerde } from '@fieldmesh/serde';
import type { KafkaPort } from '@fieldmesh/kafka';
import { createStreamsApp, TestDriver, type TestInput } from '@fieldmesh/streams';
import { loadContract } from '@fieldmesh/governance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertPolicy } from './alerts/alert.policy';
import { AlertService } from './alerts/alert.service';
import { AnomalyScoresModule } from './anomaly-scores/anomaly-scores.module';
import { AnomalyOperator } from './anomaly-scores/anomaly.operator';
import { AnomalyPipeline } from './anomaly-scores/anomaly.pipeline';
import { assetClassResolver } from './features/asset-class.resolver';
import { featureWindowSpec } from './features/features.contract';
import { FeaturesModule } from './features/features.module';
import { FeaturesPipeline } from './features/features.pipeline';
import { CONTRACTS, DEFAULT_MODELS_DIR, REPO_ROOT } from './paths';

const PUMP = 'acme/berlin/press-shop/line-1/pump-1';
const T0 = 1_795_000_000_000;
const contracts = {
  clean: loadContract(CONTRACTS.cleanReadings, REPO_ROOT),
  features: loadContract(CONTRACTS.features, REPO_ROOT),
  scores: loadContract(CONTRACTS.anomalyScores, REPO_ROOT),
  alerts: loadContract(CONTRACTS.alerts, REPO_ROOT),
};
const unused = {} as KafkaPort & AvroSerde;
const registry = new FileModelRegistry(DEFAULT_MODELS_DIR);
const pumpCard = registry.get('asset-health-pump').card;
const trainingMean = (feature: string) => pumpCard.trainingData.featureStats.find((s) => s.name === feature)!.mean;
const UNITS: Record<string, string> = { vibration_rms: 'mm/s', bearing_temperature: 'Cel', discharge_pressure: 'bar', flow: 'm3/h', motor_current: 'A', power: 'kW', load: '%' };

/**
 * One clean reading per signal per second around the pump's training means (deterministic noise). An
 * overheating pump, as the simulator models it, draws 12 % more current and its bearing runs 35 K hotter.
 */
function pumpSecond(second: number, overheating = false): TestInput[] {
  return Object.entries(UNITS).map(([signal, unit], i) => {
    const noise = Math.sin(second * 12.9898 + i * 78.233) * trainingMean(`${signal}.std`);
    const normal = trainingMean(`${signal}.mean`) + noise;
    const value = !overheating ? normal : signal === 'bearing_temperature' ? normal + 35 : signal === 'motor_current' || signal === 'power' ? normal * 1.12 : normal;
    return {
      key: PUMP,
      value: {
        readingTime: new Date(T0 + second * 1000), receivedTime: new Date(T0 + second * 1000 + 10), gatewayId: 'gw-1', sequenceNumber: BigInt(second * 10 + i), deviceId: 'plc-1',
        assetPath: PUMP, signal, value, valueText: null, unit, sourceUnit: unit, quality: 'GOOD', qualityCode: null, sourceProtocol: 'OPC_UA', sourceAddress: `x.${signal}`,
        isHistorical: false, arrival: 'IN_ORDER', operatorBadge: null, attributes: {},
      },
    };
  });
}

describe('asset-health Nest apps in memory: clean readings → features → scores and alerts', () => {
  const apps: Array<{ close(): Promise<void> }> = [];
  let features: TestDriver;
  let operator: TestDriver;
  let anomalyOperator: AnomalyOperator;

  beforeAll(async () => {
    const spec = featureWindowSpec(contracts.features);
    const featuresPipeline = new FeaturesPipeline({ ...spec, assetClassOf: assetClassResolver(), outputTopic: 'features' });
    anomalyOperator = await AnomalyOperator.create({ registry, windowMs: spec.windowMs });
    const anomalies = new AnomalyPipeline(anomalyOperator, new AlertPolicy(new AlertService(), { openAfterWindows: 2, autoCloseAfterWindows: 6 }), { scores: 'scores', alerts: 'alerts' });
    const featuresApp = await createStreamsApp(FeaturesModule.forPipeline(featuresPipeline, 'clean'), { name: 'f', kafka: unused, serde: unused, groupId: 'g', outputs: {} }, { logger: false });
    const operatorApp = await createStreamsApp(AnomalyScoresModule.forPipeline(anomalies, 'features'), { name: 'o', kafka: unused, serde: unused, groupId: 'g', outputs: {} }, { logger: false });
    apps.push(featuresApp.app, operatorApp.app);
    features = new TestDriver({ handler: featuresApp.transport.handler(), inputs: { clean: contracts.clean.avroSchema }, outputs: { features: contracts.features.avroSchema } });
    operator = new TestDriver({ handler: operatorApp.transport.handler(), inputs: { features: contracts.features.avroSchema }, outputs: { scores: contracts.scores.avroSchema, alerts: contracts.alerts.avroSchema } });
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await anomalyOperator.close();
  });

  it('scores normal windows as normal and opens one alert when the pump overheats', async () => {
    // 60 s normal, 40 s overheating, and one more second to move the watermark past the last full window.
    const seconds = Array.from({ length: 101 }, (_, s) => pumpSecond(s, s >= 60 && s < 100));
    for (const second of seconds) {
      const windows = await features.pipe('clean', second);
      if (windows.length > 0) await operator.pipe('features', windows.map((w) => ({ key: w.key, value: w.value })));
    }
    expect(features.outputs('features')).toHaveLength(9);
    expect(features.deadLetters()).toEqual([]);
    const scores = operator.outputs('scores').map((o) => o.value as { windowStart: Date; anomalous: boolean; contributors: Array<{ feature: string }> });
    const byWindow = scores.map((s) => [(s.windowStart.getTime() - T0) / 1000, s.anomalous]);
    expect(byWindow.filter(([start]) => (start as number) < 60).every(([, anomalous]) => anomalous === false)).toBe(true);
    expect(byWindow.filter(([start]) => (start as number) >= 60).every(([, anomalous]) => anomalous === true)).toBe(true);
    expect(scores.at(-1)?.contributors.map((c) => c.feature.split('.')[0])).toEqual(expect.arrayContaining(['bearing_temperature']));
    const alerts = operator.outputs('alerts').map((o) => o.value as { type: string; assetPath: string; windowStart: Date });
    expect(alerts).toMatchObject([{ type: 'OPENED', assetPath: PUMP, windowStart: new Date(T0 + 60_000) }]);
  });
});
