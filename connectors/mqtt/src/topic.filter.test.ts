import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterCovers, filterMatches, filtersMatching, subscriptionIdentifier } from './topic.filter';

describe('MQTT topic filters', () => {
  it.each([
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/b/d', false],
    ['a/+', 'a/b/c', false],
    ['#', '$SYS/broker', false],
    ['+/broker', '$SYS/broker', false],
    ['$SYS/#', '$SYS/broker', true],
    ['$share/gw/a/+', 'a/b', true],
  ])('%s matches %s: %s', (filter, topic, matches) => {
    expect(filterMatches(filter, topic)).toBe(matches);
  });

  it.each([
    ['acme/#', 'acme/berlin/#', true],
    ['acme/+/+/+/+/+', 'acme/berlin/+/+/+/+', true],
    ['acme/berlin/+/+/+/+', 'acme/+/+/+/+/+', false],
    ['a/+/c', 'a/b/+', false],
    ['a/#', 'a', true],
    ['#', '$SYS/#', false],
    ['+', '#', false],
    ['$share/g/a/#', 'a/b', false],
  ])('%s covers %s: %s', (outer, inner, covers) => {
    expect(filterCovers(outer, inner)).toBe(covers);
  });

  const level = fc.constantFrom('a', 'b', '$x');
  const topic = fc.array(level, { minLength: 1, maxLength: 4 }).map((levels) => levels.join('/'));
  const filter = fc
    .tuple(fc.array(fc.constantFrom('a', 'b', '$x', '+'), { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([levels, rest]) => [...levels, ...(rest ? ['#'] : [])].join('/'));

  it('a filter that covers another matches every topic the other matches', () => {
    fc.assert(
      fc.property(filter, filter, topic, (outer, inner, t) => {
        if (filterCovers(outer, inner) && filterMatches(inner, t)) expect(filterMatches(outer, t)).toBe(true);
      }),
    );
  });

  it('lists exactly the filters (of these shapes) that match a topic, so a sweep removes any plain subscription delivering it', () => {
    fc.assert(
      fc.property(topic, filter, (t, f) => {
        expect(filtersMatching(t)!.includes(f)).toBe(filterMatches(f, t));
      }),
    );
  });

  it('lists nothing for topics deeper than the limit', () => {
    expect(filtersMatching('a/b/c', 2)).toBeUndefined();
    expect(filtersMatching('acme/berlin/press/line-1/press-1/power')).toHaveLength(64 + 127);
  });

  it('gives every filter a stable subscription identifier within the MQTT 5 range', () => {
    expect(subscriptionIdentifier('acme/#')).toBe(subscriptionIdentifier('acme/#'));
    expect(subscriptionIdentifier('acme/#')).not.toBe(subscriptionIdentifier('acme/berlin/#'));
    fc.assert(
      fc.property(fc.string(), (f) => {
        const identifier = subscriptionIdentifier(f);
        expect(identifier >= 1 && identifier <= 268_435_455).toBe(true);
      }),
    );
  });
});
