import { describe, expect, it } from 'vitest';
import { normaliseUnit } from './unit.normaliser';

describe('normaliseUnit', () => {
  it.each([
    [212, '[degF]', 100, 'Cel'],
    [32, 'degF', 0, 'Cel'],
    [300, 'K', 26.85, 'Cel'],
    [250, 'kPa', 2.5, 'bar'],
    [100, '[psi]', 6.894757, 'bar'],
    [100, 'psi', 6.894757, 'bar'],
    [1500, 'W', 1.5, 'kW'],
    [0.2, 'MW', 200, 'kW'],
    [0.5, 'in/s', 12.7, 'mm/s'],
    [100, 'L/min', 6, 'm3/h'],
    [450, 'mA', 0.45, 'A'],
  ])('converts %d %s to %d %s', (value, unit, expected, canonical) => {
    const result = normaliseUnit(value, unit);
    expect(result.unit).toBe(canonical);
    expect(result.value).toBeCloseTo(expected, 5);
  });

  it('leaves values already in their canonical unit untouched', () => {
    expect(normaliseUnit(61.5, 'Cel')).toEqual({ value: 61.5, unit: 'Cel' });
  });

  it('keeps an unknown unit so the contract can reject it by name', () => {
    expect(normaliseUnit(3, 'furlong/fortnight')).toEqual({ value: 3, unit: 'furlong/fortnight' });
  });

  it('renames the unit of a text reading without a value', () => {
    expect(normaliseUnit(null, 'W')).toEqual({ value: null, unit: 'kW' });
  });
});
