import { describe, expect, it } from 'vitest';
import { evaluatePredictions, type PointPrediction } from './evaluation';

/** One point per second from `startS`, labelled and predicted by the two strings ('1' = true). */
function points(assetPath: string, startS: number, labels: string, predictions: string): PointPrediction[] {
  return [...labels].map((label, i) => ({ assetPath, timeMs: (startS + i) * 1000, anomaly: label === '1', predicted: predictions[i] === '1' }));
}

describe('evaluatePredictions', () => {
  it('counts points, episodes, alarms and the delay to the first flagged point of each episode', () => {
    const result = evaluatePredictions(points('run-1', 0, '0000111100001110', '0100001100000000'));
    expect(result.pointwise).toMatchObject({ truePositives: 2, falsePositives: 1, falseNegatives: 5, trueNegatives: 8 });
    expect(result.pointwise.falseAlarmRate).toBeCloseTo(1 / 9);
    expect(result.pointwise.missedAlarmRate).toBeCloseTo(5 / 7);
    expect(result.pointwise.f1).toBeCloseTo((2 * (2 / 3) * (2 / 7)) / (2 / 3 + 2 / 7));
    expect(result.episodes).toMatchObject({ episodes: 2, detected: 1, alarms: 2, trueAlarms: 1, precision: 0.5, recall: 0.5, meanDelaySeconds: 2 });
  });

  it('keeps each asset on its own timeline, whatever the order of the rows', () => {
    const a = points('run-a', 100, '0011', '0001');
    const b = points('run-b', 0, '1100', '1000');
    const result = evaluatePredictions([...b, ...a].reverse());
    expect(result.assets).toBe(2);
    expect(result.episodes).toMatchObject({ episodes: 2, detected: 2, alarms: 2, trueAlarms: 2, meanDelaySeconds: 0.5 });
  });

  it('reports no delay and zero rates rather than NaN when nothing is flagged or labelled', () => {
    const result = evaluatePredictions(points('idle', 0, '0000', '0000'));
    expect(result.pointwise).toMatchObject({ precision: 0, recall: 0, f1: 0, falseAlarmRate: 0, missedAlarmRate: 0 });
    expect(result.episodes.meanDelaySeconds).toBeNull();
  });
});
