import { describe, expect, it } from 'vitest';
import { assessDrift, fitLinear, pairByNearestTime, type SamplePair } from './drift.fit';

const thresholds = { tolerance: 0.5, minPairs: 10, minRSquared: 0.95 };

/** A signal reading `value`, its reference reading `scale * value + offset` plus the given noise. */
function drifted(count: number, scale: number, offset: number, noise: (i: number) => number = () => 0): SamplePair[] {
  return Array.from({ length: count }, (_, i) => {
    const value = 20 + i * 0.5;
    return { timeMs: Date.UTC(2026, 0, 1) + i * 1000, value, reference: scale * value + offset + noise(i) };
  });
}

describe('pairByNearestTime', () => {
  it('pairs each reading with the nearest reference reading within the tolerance and drops the rest', () => {
    const signal = [
      { timeMs: 1000, value: 1 },
      { timeMs: 2000, value: 2 },
      { timeMs: 9000, value: 9 },
    ];
    const reference = [
      { timeMs: 2300, value: 20 },
      { timeMs: 1100, value: 10 },
      { timeMs: 5000, value: 50 },
    ];
    expect(pairByNearestTime(signal, reference, 500)).toEqual([
      { timeMs: 1000, value: 1, reference: 10 },
      { timeMs: 2000, value: 2, reference: 20 },
    ]);
  });
});

describe('fitLinear', () => {
  it('recovers scale and offset of a noiseless linear drift', () => {
    const fit = fitLinear(drifted(50, 1.04, -0.8))!;
    expect(fit.scale).toBeCloseTo(1.04, 9);
    expect(fit.offset).toBeCloseTo(-0.8, 9);
    expect(fit.rSquared).toBeCloseTo(1, 9);
  });

  it('cannot fit a scale when the signal never changes', () => {
    expect(fitLinear([1, 2, 3].map((i) => ({ timeMs: i, value: 5, reference: 6 })))).toBeUndefined();
  });
});

describe('assessDrift', () => {
  it('reports drift with the evidence a reviewer checks', () => {
    const noise = (i: number) => (i % 2 === 0 ? 0.05 : -0.05);
    const result = assessDrift(drifted(40, 1.1, 1, noise), thresholds);
    expect(result.verdict).toBe('drift');
    expect(result.warnings).toEqual([]);
    const evidence = result.evidence!;
    expect(evidence.pairs).toBe(40);
    expect(evidence.fit.scale).toBeCloseTo(1.1, 2);
    expect(evidence.fit.offset).toBeCloseTo(1, 1);
    expect(evidence.residualRmsBefore).toBeGreaterThan(3);
    expect(evidence.residualRmsAfter).toBeLessThan(0.06);
    expect(evidence.valueRange).toEqual({ min: 20, max: 39.5 });
    expect(evidence.covered).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:00:39.000Z' });
  });

  it('finds no drift when the signal stays within the tolerance of its reference', () => {
    expect(assessDrift(drifted(40, 1, 0.2), thresholds).verdict).toBe('within-tolerance');
  });

  it('refuses to decide on fewer pairs than the minimum, and says how to get more', () => {
    const result = assessDrift(drifted(5, 1.1, 1), thresholds);
    expect(result.verdict).toBe('insufficient-evidence');
    expect(result.warnings[0]).toMatch(/only 5 paired readings \(at least 10 needed\): widen the time range/);
  });

  it('does not propose a new scale when the reference does not follow the signal linearly', () => {
    const result = assessDrift(
      drifted(40, 1, 5, (i) => (i % 2 === 0 ? 8 : -8)),
      thresholds,
    );
    expect(result.verdict).toBe('not-linear');
    expect(result.warnings[0]).toMatch(/R² 0\.\d+ < 0\.95/);
  });
});
