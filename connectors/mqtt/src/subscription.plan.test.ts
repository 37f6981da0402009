import { describe, expect, it } from 'vitest';
import { withoutRedundant } from './subscription.plan';

describe('subscriptions without redundant filters', () => {
  it('drops a filter a wider one already delivers, so the broker sends one copy', () => {
    expect(
      withoutRedundant([
        { topic: 'acme/berlin/+/+/+/+', qos: 1 },
        { topic: 'acme/+/+/+/+/+', qos: 1 },
      ]),
    ).toEqual([{ topic: 'acme/+/+/+/+/+', qos: 1 }]);
  });

  it('keeps a narrower filter whose QoS is higher than the wider one', () => {
    const subscriptions = [
      { topic: 'acme/berlin/#', qos: 1 as const },
      { topic: 'acme/#', qos: 0 as const },
    ];
    expect(withoutRedundant(subscriptions)).toEqual(subscriptions);
  });

  it('keeps one of a filter listed twice, at its highest QoS, and partial overlaps as they are', () => {
    expect(
      withoutRedundant([
        { topic: 'a/#', qos: 0 },
        { topic: 'a/#', qos: 1 },
        { topic: 'a/#', qos: 1 },
      ]),
    ).toEqual([{ topic: 'a/#', qos: 1 }]);
    const partial = [
      { topic: 'a/+/c', qos: 1 as const },
      { topic: 'a/b/+', qos: 1 as const },
    ];
    expect(withoutRedundant(partial)).toEqual(partial);
  });
});
