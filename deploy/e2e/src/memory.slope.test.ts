import { describe, expect, it } from 'vitest';
import { memorySlope, type RssSample } from './memory.slope';

const MINUTE = 60_000;

/** A sample every 10 s for `minutes`, from `fromMs`, at `startMb` growing `mbPerHour`. */
function life(pid: number, fromMs: number, minutes: number, startMb: number, mbPerHour: number, noise: (i: number) => number = () => 0): RssSample[] {
  return Array.from({ length: minutes * 6 }, (_, i) => {
    const atMs = fromMs + i * 10_000;
    return { atMs, pid, bytes: (startMb + (mbPerHour * (atMs - fromMs)) / 3_600_000 + noise(i)) * 1e6 };
  });
}

describe('memorySlope', () => {
  it('gives the growth in MB per hour of a steadily growing process, with no uncertainty on a straight line', () => {
    const fit = memorySlope(life(10, 0, 30, 200, 40));
    expect(fit.mbPerHour).toBeCloseTo(40, 6);
    expect(fit.standardErrorMbPerHour).toBeCloseTo(0, 6);
    expect(fit).toMatchObject({ samples: 180, lives: 1 });
  });

  it('does not take a restart’s drop for shrinking: each life has its own level and the slope is common', () => {
    // A leak of 30 MB/h killed and restarted from a much lower level: one line through all samples would fall.
    const samples = [...life(1, 0, 20, 900, 30), ...life(2, 21 * MINUTE, 20, 300, 30)];
    const fit = memorySlope(samples);
    expect(fit.mbPerHour).toBeCloseTo(30, 6);
    expect(fit.lives).toBe(2);
  });

  it('reports a flat but noisy process as about 0 MB/h, with a standard error that covers the noise', () => {
    // The sawtooth of a garbage-collected heap: ±20 MB around a constant level.
    const fit = memorySlope(life(7, 0, 30, 400, 0, (i) => (i % 6) * 8 - 20));
    expect(Math.abs(fit.mbPerHour!)).toBeLessThan(2 * fit.standardErrorMbPerHour!);
    expect(fit.standardErrorMbPerHour).toBeGreaterThan(0);
  });

  it('fits nothing from too few samples instead of a meaningless number', () => {
    expect(memorySlope([{ atMs: 0, pid: 1, bytes: 1e8 }])).toMatchObject({ mbPerHour: null, standardErrorMbPerHour: null, samples: 1 });
    // Two lives of one sample each: every sample is spent on its own intercept.
    expect(
      memorySlope([
        { atMs: 0, pid: 1, bytes: 1e8 },
        { atMs: 10_000, pid: 2, bytes: 2e8 },
      ]).mbPerHour,
    ).toBeNull();
  });
});
