import { describe, expect, it } from 'vitest';
import { featureValues } from './asset-features';
import { AssetWindow } from './asset-window';
import { SignalStats } from './signal.stats';

describe('SignalStats', () => {
  it('gives mean, sample std, min, max, RMS and the slope per second of a window', () => {
    const stats = new SignalStats('flow', 'm3/h', 10_000);
    // 100, 102, 104, 106 at 0..3 s after the window start: slope 2 per second.
    [100, 102, 104, 106].forEach((value, i) => stats.add(10_000 + i * 1000, value));
    const features = stats.features();
    expect(features).toMatchObject({ signal: 'flow', unit: 'm3/h', count: 4, mean: 103, min: 100, max: 106 });
    expect(features.std).toBeCloseTo(Math.sqrt(20 / 3), 10);
    expect(features.rms).toBeCloseTo(Math.sqrt((100 ** 2 + 102 ** 2 + 104 ** 2 + 106 ** 2) / 4), 10);
    expect(features.slope).toBeCloseTo(2, 10);
  });

  it('reports a frozen sensor as zero spread and zero slope, and one reading without NaNs', () => {
    const stuck = new SignalStats('bearing_temperature', 'Cel', 0);
    for (let i = 0; i < 10; i++) stuck.add(i * 1000, 61.25);
    expect(stuck.features()).toMatchObject({ std: 0, slope: 0, mean: 61.25 });
    const single = new SignalStats('load', '%', 0);
    single.add(500, 70);
    expect(single.features()).toMatchObject({ count: 1, std: 0, slope: 0, rms: 70 });
  });
});

describe('AssetWindow', () => {
  it('names features <signal>.<stat> as model cards do, signals sorted, with the reading count', () => {
    const window = new AssetWindow('acme/s/a/line-1/pump-1', 'pump', 0, 10_000);
    window.add({ assetPath: 'acme/s/a/line-1/pump-1', signal: 'vibration_rms', unit: 'mm/s', value: 2, timeMs: 1000 });
    window.add({ assetPath: 'acme/s/a/line-1/pump-1', signal: 'flow', unit: 'm3/h', value: 120, timeMs: 1000 });
    const features = window.features();
    expect(features.signals.map((s) => s.signal)).toEqual(['flow', 'vibration_rms']);
    expect(Object.keys(featureValues(features))).toEqual([
      'readingCount',
      'flow.mean',
      'flow.std',
      'flow.min',
      'flow.max',
      'flow.rms',
      'flow.slope',
      'vibration_rms.mean',
      'vibration_rms.std',
      'vibration_rms.min',
      'vibration_rms.max',
      'vibration_rms.rms',
      'vibration_rms.slope',
    ]);
    expect(featureValues(features).readingCount).toBe(2);
  });
});
