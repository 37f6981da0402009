import { describe, expect, it } from 'vitest';
import { ClientDeadband } from './client.deadband';

function reported(deadband: ClientDeadband, changes: Array<[unknown, number?]>): unknown[] {
  return changes.filter(([value, status]) => deadband.passes(value, status ?? 0)).map(([value]) => value);
}

describe('ClientDeadband', () => {
  it('reports the first value and then only changes beyond an absolute deadband from the last reported value', () => {
    const deadband = ClientDeadband.of({ type: 'absolute', value: 1 }, undefined)!;
    expect(reported(deadband, [[60], [60.5], [61], [61.01], [61.5], [62.02], [61.1]])).toEqual([60, 61.01, 62.02]);
  });

  it('takes a percent deadband as a percent of the EURange span', () => {
    const deadband = ClientDeadband.of({ type: 'percent', value: 2 }, { low: -20, high: 180 })!;
    expect(deadband.threshold).toBe(4);
    expect(reported(deadband, [[100], [103.9], [104.1], [100.5]])).toEqual([100, 104.1]);
  });

  it('cannot make a percent deadband without a usable EURange', () => {
    expect(ClientDeadband.of({ type: 'percent', value: 1 }, undefined)).toBeUndefined();
    expect(ClientDeadband.of({ type: 'percent', value: 1 }, { low: 5, high: 5 })).toBeUndefined();
  });

  it('always reports a status change and a value that is not a number, as the StatusValue trigger does', () => {
    const deadband = ClientDeadband.of({ type: 'absolute', value: 10 }, undefined)!;
    expect(
      reported(deadband, [
        [50, 0],
        [50.1, 0x408f0000],
        [50.2, 0x408f0000],
        [null, 0x808a0000],
        [50.3, 0],
      ]),
    ).toEqual([50, 50.1, null, 50.3]);
  });
});
