import { describe, expect, it } from 'vitest';
import { ArrivalTracker } from './arrival.tracker';

function observe(tracker: ArrivalTracker, asset: string, signal: string, time: number) {
  const arrival = tracker.classify(asset, signal, time);
  tracker.accept(asset, signal, time);
  return arrival;
}

describe('ArrivalTracker', () => {
  it('tells in-order, out-of-order and late readings apart per series', () => {
    const tracker = new ArrivalTracker(5_000);
    expect(observe(tracker, 'a/b/c', 'power', 100_000)).toBe('IN_ORDER');
    expect(observe(tracker, 'a/b/c', 'power', 97_000)).toBe('OUT_OF_ORDER');
    expect(observe(tracker, 'a/b/c', 'power', 94_000)).toBe('LATE');
    expect(observe(tracker, 'a/b/c', 'power', 100_000)).toBe('IN_ORDER');
  });

  it('judges each series by its own newest reading', () => {
    const tracker = new ArrivalTracker(5_000);
    observe(tracker, 'a/b/c', 'power', 100_000);
    expect(observe(tracker, 'a/b/c', 'flow', 10_000)).toBe('IN_ORDER');
    expect(observe(tracker, 'a/b/d', 'power', 10_000)).toBe('IN_ORDER');
  });

  it('does not let a late reading move the series back', () => {
    const tracker = new ArrivalTracker(5_000);
    observe(tracker, 'a/b/c', 'power', 100_000);
    observe(tracker, 'a/b/c', 'power', 50_000);
    expect(observe(tracker, 'a/b/c', 'power', 96_000)).toBe('OUT_OF_ORDER');
  });

  it('is not moved by a reading that was classified but not accepted', () => {
    const tracker = new ArrivalTracker(5_000);
    observe(tracker, 'a/b/c', 'power', 100_000);
    tracker.classify('a/b/c', 'power', 9_000_000);
    expect(observe(tracker, 'a/b/c', 'power', 100_500)).toBe('IN_ORDER');
  });
});
