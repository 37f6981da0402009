import { describe, expect, it } from 'vitest';
import { ReadSourcesTracker, sourceAddresses } from './read-sources.tracker';

describe('read sources', () => {
  it('lists each connector’s topics and nodes once, in the order they first delivered', () => {
    const tracker = new ReadSourcesTracker(10);
    expect(tracker.observe('json', ['a/1', 'a/2', 'a/1'])).toBe(true);
    expect(tracker.observe('json', ['a/2'])).toBe(false);
    expect(tracker.observe('ua', ['a/1'])).toBe(true);
    expect(tracker.snapshot().sources).toEqual([
      { connector: 'json', address: 'a/1' },
      { connector: 'json', address: 'a/2' },
      { connector: 'ua', address: 'a/1' },
    ]);
    expect(tracker.version).toBe(3);
  });

  it('stops listing at the cap and counts the sources and readings it leaves out', () => {
    const tracker = new ReadSourcesTracker(2, 3);
    tracker.observe('json', ['a/1', 'a/2', 'a/3', 'a/3', 'a/4']);
    expect(tracker.full).toBe(true);
    expect(tracker.observe('json', ['a/1', 'a/5'])).toBe(false);
    expect(tracker.snapshot()).toEqual({
      sources: [
        { connector: 'json', address: 'a/1' },
        { connector: 'json', address: 'a/2' },
      ],
      unlistedSources: 3,
      unlistedSourcesAtLeast: false,
      unlistedReadings: 4,
    });
    // Past the second bound the distinct count is a lower bound, and memory stays bounded.
    tracker.observe('json', ['a/6']);
    expect(tracker.snapshot()).toMatchObject({ unlistedSources: 3, unlistedSourcesAtLeast: true, unlistedReadings: 5 });
  });

  it('takes a batch’s addresses without consecutive repeats', () => {
    expect([...sourceAddresses(['a', 'a', 'b', 'a'].map((sourceAddress) => ({ sourceAddress })))]).toEqual(['a', 'b', 'a']);
  });
});
