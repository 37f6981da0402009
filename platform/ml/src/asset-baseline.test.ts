import { describe, expect, it } from 'vitest';
import { AssetBaselines } from './asset-baseline';

describe('AssetBaselines', () => {
  it("holds an asset's first windows back as its baseline, then centres its rows on their mean", () => {
    const baselines = new AssetBaselines({ windows: 2 }, ['t.mean', 'p.mean']);
    expect(baselines.centre('pump-1', { 't.mean': 70, 'p.mean': 1 })).toBeUndefined();
    expect(baselines.centre('pump-2', { 't.mean': 80, 'p.mean': 3 })).toBeUndefined();
    expect(baselines.centre('pump-1', { 't.mean': 72, 'p.mean': 1 })).toBeUndefined();
    expect(baselines.warmingUp()).toBe(1);
    expect(baselines.centre('pump-1', { 't.mean': 75, 'p.mean': 2, readingCount: 10 })).toEqual({ 't.mean': 4, 'p.mean': 1, readingCount: 10 });
    expect(baselines.centre('pump-2', { 't.mean': 80, 'p.mean': 3 })).toBeUndefined();
    expect(baselines.centre('pump-2', { 't.mean': 81, 'p.mean': 3 })).toEqual({ 't.mean': 1, 'p.mean': 0 });
  });

  it('learns each feature from the windows that had it, and leaves a missing value missing', () => {
    const baselines = new AssetBaselines({ windows: 2 }, ['t.mean', 'v.rms']);
    baselines.centre('motor', { 't.mean': 10 });
    baselines.centre('motor', { 't.mean': 20, 'v.rms': 4 });
    expect(baselines.centre('motor', { 't.mean': 15 })).toEqual({ 't.mean': 0, 'v.rms': undefined });
    expect(baselines.centre('motor', { 't.mean': 15, 'v.rms': 5 })).toEqual({ 't.mean': 0, 'v.rms': 1 });
  });
});
