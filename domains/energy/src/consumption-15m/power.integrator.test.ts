import { describe, expect, it } from 'vitest';
import { integratePower, type PowerSample } from './power.integrator';

const MIN = 60_000;
const WINDOW = 15 * MIN;

function every(stepMs: number, from: number, to: number, kw: (t: number) => number): PowerSample[] {
  const samples: PowerSample[] = [];
  for (let t = from; t < to; t += stepMs) samples.push({ time: t, kw: kw(t) });
  return samples;
}

describe('integratePower', () => {
  it('gives power times time for a steady load: 60 kW for 15 minutes is 15 kWh', () => {
    const result = integratePower(
      every(10_000, 0, WINDOW, () => 60),
      0,
      WINDOW,
      MIN,
    );
    expect(result.energyKwh).toBeCloseTo(15, 9);
    expect(result.coveredMs).toBe(WINDOW);
    expect(result.readingCount).toBe(90);
  });

  it('integrates a ramp by trapezoids and holds the last reading to the window end', () => {
    // 0 → 84 kW over 14 minutes (9.8 kWh), then 84 kW held for the last minute (1.4 kWh).
    const samples = every(MIN, 0, WINDOW, (t) => (84 * t) / (14 * MIN));
    expect(integratePower(samples, 0, WINDOW, MIN).energyKwh).toBeCloseTo(11.2, 9);
  });

  it('does not bridge a gap longer than the maximum, and reports the coverage lost', () => {
    const samples = [...every(10_000, 0, 5 * MIN, () => 60), ...every(10_000, 10 * MIN, WINDOW, () => 60)];
    const result = integratePower(samples, 0, WINDOW, MIN);
    expect(result.coveredMs).toBe(WINDOW - (5 * MIN + 10_000));
    expect(result.energyKwh).toBeCloseTo((60 * result.coveredMs) / 3_600_000, 9);
  });

  it('gives the same energy whatever order the readings arrived in', () => {
    const samples = every(7_000, 3_000, WINDOW, (t) => 40 + Math.sin(t / 50_000) * 10);
    const shuffled = [...samples].reverse();
    expect(integratePower(shuffled, 0, WINDOW, MIN)).toEqual(integratePower(samples, 0, WINDOW, MIN));
  });

  it('gives zero energy and coverage for a window without readings', () => {
    expect(integratePower([], 0, WINDOW, MIN)).toEqual({ energyKwh: 0, coveredMs: 0, readingCount: 0 });
  });
});
