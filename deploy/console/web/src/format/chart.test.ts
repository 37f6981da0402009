import { describe, expect, it } from 'vitest';
import { extent, linearScale, linePath, niceTicks, tickLabel, timeTicks } from './chart';

describe('signal chart geometry', () => {
  it('puts a flat signal mid-chart instead of on an edge', () => {
    expect(extent([3, 3, 3])).toEqual([2.7, 3.3]);
    expect(extent([0, 0])).toEqual([-1, 1]);
    expect(extent([])).toEqual([0, 1]);
    expect(extent([1, Number.NaN, 4])).toEqual([1, 4]);
  });

  it('maps values linearly, with the y axis pointing up', () => {
    const y = linearScale([0, 10], [100, 0]);
    expect(y(0)).toBe(100);
    expect(y(10)).toBe(0);
    expect(y(2.5)).toBe(75);
  });

  it('labels the value axis at round steps inside the range', () => {
    expect(niceTicks(1.7, 5.3, 3)).toEqual([2, 4]);
    expect(niceTicks(0, 100, 4)).toEqual([0, 50, 100]);
    expect(niceTicks(0, 0.004, 4)).toEqual([0, 0.001, 0.002, 0.003, 0.004]);
    expect(tickLabel(0.0001)).toBe('1.0e-4');
    expect(tickLabel(181.234)).toBe('181.2');
  });

  it('labels the time axis on whole clock steps', () => {
    const start = Date.UTC(2026, 0, 1, 10, 3, 17);
    const ticks = timeTicks(start, start + 20 * 60_000, 6);
    expect(ticks.map((tick) => tick - ticks[0]!)).toEqual([0, 300_000, 600_000, 900_000]);
    expect(new Date(ticks[0]!).getUTCSeconds()).toBe(0);
    expect(ticks[0]).toBeGreaterThanOrEqual(start);
  });

  it('breaks the line at a missing reading rather than drawing it as zero', () => {
    expect(
      linePath(
        [
          [0, 1],
          [1, Number.NaN],
          [2, 3],
        ],
        (t) => t,
        (v) => v,
      ),
    ).toBe('M0.0,1.0M2.0,3.0');
    expect(
      linePath(
        [
          [0, 1],
          [1, 2],
        ],
        (t) => t * 10,
        (v) => v,
      ),
    ).toBe('M0.0,1.0L10.0,2.0');
  });
});
