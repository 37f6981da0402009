import { FileModelRegistry } from '@fieldmesh/ml';
import { driveDomain, type DomainTestDrivers } from '@fieldmesh/products';
import type { TestDriver, TestInput } from '@fieldmesh/streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domain } from './asset-health.domain';
import { DEFAULT_MODELS_DIR } from './paths';

const PUMP = 'acme/berlin/press-shop/line-1/pump-1';
const T0 = 1_795_000_000_000;
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
        readingTime: new Date(T0 + second * 1000),
        receivedTime: new Date(T0 + second * 1000 + 10),
        gatewayId: 'gw-1',
        sequenceNumber: BigInt(second * 10 + i),
        deviceId: 'plc-1',
        assetPath: PUMP,
        signal,
        value,
        valueText: null,
        unit,
        sourceUnit: unit,
        quality: 'GOOD',
        qualityCode: null,
        sourceProtocol: 'OPC_UA',
        sourceAddress: `x.${signal}`,
        isHistorical: false,
        arrival: 'IN_ORDER',
        operatorBadge: null,
        attributes: {},
      },
    };
  });
}

describe('the asset-health domain in memory: clean readings → features → scores and alerts', () => {
  let running: DomainTestDrivers;
  let features: TestDriver;
  let operator: TestDriver;

  beforeAll(async () => {
    running = await driveDomain(domain, { alerting: { openAfterWindows: 2, autoCloseAfterWindows: 6 } });
    features = running.drivers.features!;
    operator = running.drivers['anomaly-operator']!;
  });

  afterAll(async () => {
    await running.close();
  });

  it('scores normal windows as normal and opens one alert when the pump overheats', async () => {
    // 60 s normal, 40 s overheating, and one more second to move the watermark past the last full window.
    const seconds = Array.from({ length: 101 }, (_, s) => pumpSecond(s, s >= 60 && s < 100));
    for (const second of seconds) {
      const windows = await features.pipe('plant.telemetry.clean.v1', second);
      if (windows.length > 0)
        await operator.pipe(
          'asset-health.features.v1',
          windows.map((w) => ({ key: w.key, value: w.value })),
        );
    }
    expect(features.outputs('asset-health.features.v1')).toHaveLength(9);
    expect(features.deadLetters()).toEqual([]);
    const scores = operator.outputs('asset-health.anomaly-scores.v1').map((o) => o.value as { windowStart: Date; anomalous: boolean; contributors: Array<{ feature: string }> });
    const byWindow = scores.map((s) => [(s.windowStart.getTime() - T0) / 1000, s.anomalous]);
    expect(byWindow.filter(([start]) => (start as number) < 60).every(([, anomalous]) => anomalous === false)).toBe(true);
    expect(byWindow.filter(([start]) => (start as number) >= 60).every(([, anomalous]) => anomalous === true)).toBe(true);
    expect(scores.at(-1)?.contributors.map((c) => c.feature.split('.')[0])).toEqual(expect.arrayContaining(['bearing_temperature']));
    const alerts = operator.outputs('asset-health.alerts.v1').map((o) => o.value as { type: string; assetPath: string; windowStart: Date });
    expect(alerts).toMatchObject([{ type: 'OPENED', assetPath: PUMP, windowStart: new Date(T0 + 60_000) }]);
  });
});

describe("the features' allowed lateness against a sped-up plant", () => {
  /**
   * Every second of the first window is sent, but the readings of second 4 only after those of second 24
   * (20 s of event time late, as OPC UA samples trail MQTT ones on a plant running 10× the wall clock),
   * then seconds up to 80 to close the first window. Returns that window's reading count.
   */
  async function firstWindowCount(settings: Record<string, unknown>): Promise<number> {
    const running = await driveDomain(domain, settings);
    try {
      const features = running.drivers.features!;
      for (let second = 0; second <= 80; second += 1) {
        if (second !== 4) await features.pipe('plant.telemetry.clean.v1', pumpSecond(second));
        if (second === 24) await features.pipe('plant.telemetry.clean.v1', pumpSecond(4));
      }
      const first = features.outputs('asset-health.features.v1').map((o) => o.value as { windowStart: Date; readingCount: number })[0]!;
      expect(first.windowStart).toEqual(new Date(T0));
      return first.readingCount;
    } finally {
      await running.close();
    }
  }

  it("drops a reading 20 s late at the contract's 5 s on a real plant, and keeps it at 10× plant speed (50 s of event time)", async () => {
    const signals = Object.keys(UNITS).length;
    expect(await firstWindowCount({})).toBe(9 * signals);
    expect(await firstWindowCount({ plantSpeed: 10 })).toBe(10 * signals);
  });

  it('refuses a plant speed below 1, which would tighten the contract', async () => {
    await expect(driveDomain(domain, { plantSpeed: 0.5 })).rejects.toThrow(/plantSpeed/);
  });
});
