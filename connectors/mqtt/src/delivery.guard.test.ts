import { describe, expect, it } from 'vitest';
import { DeliveryGuard } from './delivery.guard';

const message = (topic: string, payload: string) => ({ topic, payload: Buffer.from(payload), qos: 1 as const, retain: false, dup: false, receivedTime: 0 });
const subscriptions = [
  { topic: 'a/+/c', qos: 1 as const },
  { topic: 'a/b/+', qos: 1 as const },
];
const identifiers = new Map([
  ['a/+/c', 11],
  ['a/b/+', 22],
]);

describe('delivery guard', () => {
  it('passes one copy of a message that two overlapping subscriptions deliver, and the next publish of the same bytes again', () => {
    const guard = new DeliveryGuard(subscriptions, identifiers);
    const verdicts = [
      guard.judge(message('a/b/c', '1'), [22]),
      guard.judge(message('a/b/c', '1'), [11]),
      guard.judge(message('a/b/c', '1'), [22]),
      guard.judge(message('a/b/c', '1'), [11]),
    ].map((judgement) => judgement.verdict);
    expect(verdicts).toEqual(['accept', 'duplicate', 'accept', 'duplicate']);
  });

  it('drops the copy a subscription left from an earlier configuration sends, and asks for a sweep', () => {
    const guard = new DeliveryGuard(subscriptions, identifiers);
    expect(guard.judge(message('a/b/c', '1'), [11])).toEqual({ verdict: 'accept', staleEvidence: false });
    // Sent for a stale subscription made without identifier (or with one that is not ours).
    expect(guard.judge(message('a/b/c', '1'), [])).toEqual({ verdict: 'duplicate', staleEvidence: true });
    expect(guard.judge(message('a/b/c', '2'), [99])).toEqual({ verdict: 'accept', staleEvidence: true });
  });

  it('drops messages on topics no configured filter matches', () => {
    const guard = new DeliveryGuard(subscriptions, identifiers);
    expect(guard.judge(message('a/x/y', '1'), [])).toEqual({ verdict: 'outside', staleEvidence: true });
  });

  it('passes everything matching without identifiers (MQTT 3.1.1), where copies look like repeated publishes', () => {
    const guard = new DeliveryGuard(subscriptions, undefined);
    expect(guard.judge(message('a/b/c', '1'), [])).toEqual({ verdict: 'accept', staleEvidence: false });
    expect(guard.judge(message('a/b/c', '1'), [])).toEqual({ verdict: 'accept', staleEvidence: true });
  });
});
