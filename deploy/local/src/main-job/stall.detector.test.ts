import { describe, expect, it } from 'vitest';
import { StallDetector } from './stall.detector';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const SECOND = 1_000;

describe('StallDetector', () => {
  it('names a stage that stops producing while its input keeps flowing, as features did after a reading ten years ahead', () => {
    const detector = new StallDetector({}, 30 * SECOND);
    for (let s = 0; s <= 120; s += 5) {
      // Features produce until second 40, then nothing while clean readings keep coming.
      detector.sample(T0 + s * SECOND, [
        { stage: 'plant-telemetry clean', in: s * 100, out: s * 100 },
        { stage: 'asset-health features', in: s * 100, out: Math.min(s, 40) * 2 },
      ]);
    }
    expect(detector.stalls()).toEqual([{ stage: 'asset-health features', quietSeconds: 80, inputWhileQuiet: 8_000, lastOutputAt: new Date(T0 + 40 * SECOND).toISOString() }]);
  });

  it('does not flag a stage whose input stopped too, or a windowed stage within its quiet limit', () => {
    const detector = new StallDetector({ 'energy consumption-15m': 110 * SECOND }, 30 * SECOND);
    for (let s = 0; s <= 300; s += 5) {
      const input = Math.min(s, 60) * 100;
      detector.sample(T0 + s * SECOND, [
        // The plant stopped at second 60; the last window stays open with no more input.
        { stage: 'plant-telemetry clean', in: input, out: input - (s >= 60 ? 50 : 0) },
        // A 15-minute window at 10x: one output every 90 s of wall clock while input flows.
        { stage: 'energy consumption-15m', in: s * 100, out: Math.floor(s / 90) * 4 },
      ]);
    }
    expect(detector.stalls()).toEqual([]);
  });
});
