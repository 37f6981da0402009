import { describe, expect, it } from 'vitest';
import { isLoadProgress, parseLoadSummary } from './load.process';

describe('load command output', () => {
  it('reads the achieved rate, points and seconds from the closing line', () => {
    expect(parseLoadSummary('achieved 12634 points/s (63170 points in 5.00 s; target 50000)')).toEqual({ achievedPointsPerSecond: 12634, points: 63170, seconds: 5 });
  });

  it('tells progress lines from the header and the summary', () => {
    expect(isLoadProgress('  12000 points acknowledged in 1.0 s (12000 points/s)')).toBe(true);
    expect(isLoadProgress('load: 50000 points/s via json (one reading per message) for 5 s')).toBe(false);
    expect(parseLoadSummary('load: 50000 points/s via json (one reading per message) for 5 s')).toBeUndefined();
  });
});
