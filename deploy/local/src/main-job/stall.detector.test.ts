import { describe, expect, it } from 'vitest';
import { StallDetector } from './stall.detector';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
/** Sample time `s` wall seconds into a run whose plant runs `speed` times faster from T0. */
const at = (s: number, speed = 10) => ({ wallMs: T0 + s * SECOND, plantMs: T0 + s * speed * SECOND });

describe('StallDetector', () => {
  it('names a stage that stops producing while its input keeps flowing, as features did after a reading ten years ahead', () => {
    const detector = new StallDetector({}, 30 * SECOND);
    for (let s = 0; s <= 120; s += 5) {
      // Features produce until second 40, then nothing while clean readings keep coming.
      detector.sample(at(s), [
        { stage: 'plant-telemetry clean', in: s * 100, out: s * 100 },
        { stage: 'asset-health features', in: s * 100, out: Math.min(s, 40) * 2 },
      ]);
    }
    expect(detector.stalls()).toEqual([{ stage: 'asset-health features', quietSeconds: 80, inputWhileQuiet: 8_000, lastOutputAt: new Date(T0 + 40 * SECOND).toISOString() }]);
  });

  it('does not flag a stage whose input stopped too, or a windowed stage within its quiet limit', () => {
    const detector = new StallDetector({ 'energy consumption-15m': 1_100 * SECOND }, 30 * SECOND);
    for (let s = 0; s <= 300; s += 5) {
      const input = Math.min(s, 60) * 100;
      detector.sample(at(s), [
        // The plant stopped at second 60; the last window stays open with no more input.
        { stage: 'plant-telemetry clean', in: input, out: input - (s >= 60 ? 50 : 0) },
        // A 15-minute window at 10x: one output every 90 s of wall clock while input flows.
        { stage: 'energy consumption-15m', in: s * 100, out: Math.floor(s / 90) * 4 },
      ]);
    }
    expect(detector.stalls()).toEqual([]);
  });

  it('judges a windowed stage in plant time, so a plant slowed to real time near the clock skew is not a stall, while a stopped window is', () => {
    const limits = { 'asset-health features': 2 * 15 * MINUTE + 30 * SECOND };
    const slowed = new StallDetector(limits, 30 * SECOND);
    const stopped = new StallDetector(limits, 30 * SECOND);
    for (let s = 0; s <= 1_500; s += 5) {
      // 60 s at 10x (10 plant minutes), then real time: a 15-minute window closes 5 plant minutes later, at second 360.
      const plantSeconds = s <= 60 ? s * 10 : 600 + (s - 60);
      const time = { wallMs: T0 + s * SECOND, plantMs: T0 + plantSeconds * SECOND };
      slowed.sample(time, [{ stage: 'asset-health features', in: s * 100, out: Math.floor(plantSeconds / 900) * 4 }]);
      stopped.sample(time, [{ stage: 'asset-health features', in: s * 100, out: 0 }]);
    }
    expect(slowed.stalls()).toEqual([]);
    expect(stopped.stalls().map((stall) => stall.stage)).toEqual(['asset-health features']);
  });

  it('gives a windowed stage the wall-clock allowance too: a 10 s pause at 10x (100 plant seconds) is processing, not a stall', () => {
    const detector = new StallDetector({ 'asset-health features': 60 * SECOND }, 30 * SECOND);
    for (let s = 0; s <= 60; s += 5) {
      detector.sample(at(s), [{ stage: 'asset-health features', in: s * 100, out: s < 20 || s >= 30 ? s : 15 }]);
    }
    expect(detector.stalls()).toEqual([]);
  });

  it('does not flag a stage that is quiet while Kafka restarts, as only a trickle of input arrives until it is back', () => {
    const detector = new StallDetector({ 'asset-health features': 60 * SECOND }, 30 * SECOND);
    for (let s = 0; s <= 120; s += 5) {
      // Kafka is down from second 20 to 50 (30 s): one batch of 16 readings reaches features at second 35,
      // then the backlog arrives at 55 and features produce again at 60.
      const input = s < 20 ? s * 100 : s < 35 ? 2_000 : s < 55 ? 2_016 : 2_016 + (s - 50) * 300;
      const output = s < 20 ? s : s < 60 ? 20 : s;
      detector.sample(at(s), [{ stage: 'asset-health features', in: input, out: output }]);
    }
    expect(detector.stalls()).toEqual([]);
  });
});
