import { describe, expect, it } from 'vitest';
import { percentOf, percentile, ratePerSecond, summarise } from './statistics';

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('is a measured value: the nearest rank, never an interpolation', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
  });

  it('p0 is the minimum and p100 the maximum', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it('refuses an empty sample and a q outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(/empty sample/);
    expect(() => percentile(hundred, 101)).toThrow(/between 0 and 100/);
    expect(() => percentile(hundred, Number.NaN)).toThrow(/between 0 and 100/);
  });
});

describe('summarise', () => {
  it('sorts numerically (not as text) before taking percentiles', () => {
    const summary = summarise([900, 5, 80, 1000, 10, 7, 60, 3, 2, 1]);
    expect(summary).toEqual({ count: 10, p50: 7, p90: 900, p99: 1000, max: 1000, mean: 206.8 });
  });

  it('one slow outlier in a hundred moves p99, not p50', () => {
    const samples = [...Array.from({ length: 99 }, () => 12), 4000];
    const summary = summarise(samples);
    expect(summary.p50).toBe(12);
    expect(summary.p99).toBe(12);
    expect(summary.max).toBe(4000);
    expect(summarise([...samples, 4000]).p99).toBe(4000);
  });
});

describe('ratePerSecond', () => {
  it('is the counter increase over the elapsed time', () => {
    expect(ratePerSecond({ atMs: 1_000, count: 500 }, { atMs: 3_500, count: 100_500 })).toBe(40_000);
  });

  it('refuses readings that are not later', () => {
    expect(() => ratePerSecond({ atMs: 1_000, count: 0 }, { atMs: 1_000, count: 5 })).toThrow(/later second reading/);
  });
});

describe('percentOf', () => {
  it('rounds to a whole percentage and has no answer without a base', () => {
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(45_000, 60_000)).toBe(75);
    expect(percentOf(5, 0)).toBeUndefined();
  });
});
