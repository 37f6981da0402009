import { describe, expect, it } from 'vitest';
import { durationToDays, durationToMs, isIsoDuration } from './iso-duration';

describe('ISO 8601 durations', () => {
  it.each([
    ['P7D', 604_800_000],
    ['PT30S', 30_000],
    ['PT1H30M', 5_400_000],
    ['P1W', 604_800_000],
    ['P1Y', 31_536_000_000],
    ['PT0.5S', 500],
  ])('%s is %d ms', (text, ms) => {
    expect(durationToMs(text)).toBe(ms);
  });

  it.each(['P', 'PT', '7d', 'P1DT', 'P-1D', ''])('rejects %j', (text) => {
    expect(isIsoDuration(text)).toBe(false);
    expect(() => durationToMs(text)).toThrow(/ISO 8601/);
  });

  it('rounds partial days up for TTLs', () => {
    expect(durationToDays('PT25H')).toBe(2);
  });
});
