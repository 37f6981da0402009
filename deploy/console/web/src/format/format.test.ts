import { describe, expect, it } from 'vitest';
import { formatAgo, formatCell, formatIsoDuration, formatNumber, formatSeconds, formatSloObjective, formatSloValue, isoDurationSeconds } from './format';

describe('contract durations', () => {
  it('reads the ISO 8601 durations contracts use for retention and SLOs', () => {
    expect(isoDurationSeconds('PT1M')).toBe(60);
    expect(isoDurationSeconds('PT15M')).toBe(900);
    expect(isoDurationSeconds('PT1H30M')).toBe(5400);
    expect(isoDurationSeconds('P7D')).toBe(604_800);
    expect(isoDurationSeconds('P2W')).toBe(1_209_600);
  });

  it('refuses what is not a duration rather than guessing', () => {
    expect(isoDurationSeconds('7d')).toBeUndefined();
    expect(isoDurationSeconds('P')).toBeUndefined();
    expect(isoDurationSeconds('PT')).toBeUndefined();
  });

  it('shows retention in words with the contract text beside it, and unknown text as given', () => {
    expect(formatIsoDuration('P7D')).toBe('7 d (P7D)');
    expect(formatIsoDuration('P365D')).toBe('1 y (P365D)');
    expect(formatIsoDuration('forever')).toBe('forever');
    expect(formatIsoDuration(undefined)).toBe('—');
  });
});

describe('numbers people read', () => {
  it('picks the unit of an age', () => {
    expect(formatSeconds(2.44)).toBe('2.4 s');
    expect(formatSeconds(42)).toBe('42 s');
    expect(formatSeconds(75)).toBe('1.3 min');
    expect(formatSeconds(5400)).toBe('1.5 h');
    expect(formatSeconds(3 * 86_400)).toBe('3 d');
  });

  it('shows freshness (milliseconds) as an age and completeness as a percentage, with the objective in the same words', () => {
    expect(formatSloValue('freshness', 75_000)).toBe('1.3 min');
    expect(formatSloValue('completeness', 0.9973)).toBe('99.7 %');
    expect(formatSloValue('completeness', null)).toBe('—');
    expect(formatSloObjective('freshness', 60_000)).toBe('age ≤ 1 min');
    expect(formatSloObjective('completeness', 0.99)).toBe('≥ 99 % received');
  });

  it('says how long ago, or that a time is in the future', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatAgo('2026-01-01T11:55:00Z', now)).toBe('5 min ago');
    expect(formatAgo('2026-01-01T11:59:58Z', now)).toBe('just now');
    expect(formatAgo('2026-01-01T14:00:00Z', now)).toBe('in 2 h');
    expect(formatAgo(null, now)).toBe('—');
  });

  it('separates thousands and marks a missing value', () => {
    expect(formatNumber(1_834_221)).toBe('1,834,221');
    expect(formatNumber(412.56, 1)).toBe('412.6');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(null)).toBe('—');
  });

  it('shows query result cells as SQL clients do', () => {
    expect(formatCell(null)).toBe('NULL');
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
    expect(formatCell('x'.repeat(200))).toHaveLength(118);
  });
});
