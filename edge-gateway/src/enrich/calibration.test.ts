import { describe, expect, it } from 'vitest';
import { Calibration, calibrationRuleSchema } from './calibration';

describe('Calibration', () => {
  const calibration = new Calibration([
    calibrationRuleSchema.parse({ signal: 'bearing_temperature', scale: 2, offset: 1 }),
    calibrationRuleSchema.parse({ signal: 'bearing_temperature', assetPath: 'a/b/c/d/e', offset: -0.5 }),
  ]);

  it('applies scale then offset', () => {
    expect(calibration.apply('x/y/z/w/v', 'bearing_temperature', 10)).toBe(21);
  });

  it('prefers an asset-specific rule', () => {
    expect(calibration.apply('a/b/c/d/e', 'bearing_temperature', 10)).toBe(9.5);
  });

  it('leaves uncalibrated signals alone', () => {
    expect(calibration.apply('a/b/c/d/e', 'flow', 10)).toBe(10);
  });
});
