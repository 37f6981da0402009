import { standardUnits } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { ucumUnitOf, uneceCommonCode } from './eu.units';

function unitIdOf(code: string): number {
  return [...code].reduce((id, c) => id * 256 + c.charCodeAt(0), 0);
}

describe('ucumUnitOf', () => {
  it("maps the plant signals' UNECE units to the UCUM codes of the telemetry contract", () => {
    expect(ucumUnitOf(standardUnits.degree_celsius)).toBe('Cel');
    expect(ucumUnitOf(standardUnits.bar)).toBe('bar');
    expect(ucumUnitOf(standardUnits.cubic_metre_per_hour)).toBe('m3/h');
    expect(ucumUnitOf(standardUnits.ampere)).toBe('A');
    expect(ucumUnitOf(standardUnits.kilowatt)).toBe('kW');
    expect(ucumUnitOf(standardUnits.percent)).toBe('%');
    expect(ucumUnitOf({ unitId: unitIdOf('C16'), displayName: { text: 'mm/s' } })).toBe('mm/s');
  });

  it('decodes the common code packed in unitId', () => {
    expect(uneceCommonCode(standardUnits.degree_celsius.unitId)).toBe('CEL');
    expect(uneceCommonCode(unitIdOf('P1'))).toBe('P1');
  });

  it('falls back to a known display name when unitId is empty', () => {
    expect(ucumUnitOf({ unitId: -1, displayName: { text: '°C' } })).toBe('Cel');
    expect(ucumUnitOf({ unitId: 0, displayName: { text: 'm³/h' } })).toBe('m3/h');
  });

  it("keeps an unknown unit's display name rather than dropping it", () => {
    expect(ucumUnitOf({ unitId: unitIdOf('XYZ'), displayName: { text: 'strokes/min' } })).toBe('strokes/min');
  });

  it('returns undefined when the variable has no engineering units', () => {
    expect(ucumUnitOf(undefined)).toBeUndefined();
    expect(ucumUnitOf({ unitId: 0, displayName: { text: '' } })).toBeUndefined();
  });
});
