import { StatusCodes } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { qualityOf } from './status.quality';

describe('qualityOf', () => {
  it('maps Good and its sub-codes to GOOD', () => {
    expect(qualityOf(StatusCodes.Good.value)).toBe('GOOD');
    expect(qualityOf(StatusCodes.GoodClamped.value)).toBe('GOOD');
    expect(qualityOf(StatusCodes.GoodLocalOverride.value)).toBe('GOOD');
  });

  it('maps Uncertain codes (stuck or substituted sensors) to UNCERTAIN', () => {
    expect(qualityOf(StatusCodes.UncertainLastUsableValue.value)).toBe('UNCERTAIN');
    expect(qualityOf(StatusCodes.UncertainSensorNotAccurate.value)).toBe('UNCERTAIN');
    expect(qualityOf(StatusCodes.Uncertain.value)).toBe('UNCERTAIN');
  });

  it('maps Bad codes (sensor failure, dropouts) to BAD', () => {
    expect(qualityOf(StatusCodes.BadSensorFailure.value)).toBe('BAD');
    expect(qualityOf(StatusCodes.BadNoCommunication.value)).toBe('BAD');
    expect(qualityOf(0xc0000000)).toBe('BAD');
  });

  it('ignores the info bits of a Good code with a limit flag', () => {
    expect(qualityOf(StatusCodes.Good.value | 0x0400 | 0x0100)).toBe('GOOD');
  });
});
