import type { Subscription } from './client';
import type { InboundMessage } from './decoded-message';
import { filterMatches } from './topic.filter';

/**
 * `accept`: decode it. `outside`: no configured filter matches the topic, so a filter left in the session
 * by an earlier configuration delivered it. `duplicate`: another copy of the message just accepted, sent
 * for a second matching subscription.
 */
export type Verdict = 'accept' | 'outside' | 'duplicate';

export interface Judgement {
  verdict: Verdict;
  /** The session seems to hold a subscription we did not make: worth unsubscribing what delivers this topic. */
  staleEvidence: boolean;
}

/** Stands for "a subscription without identifier" in the identifier sets below. */
const NO_IDENTIFIER = 0;

/**
 * Decides, message by message in arrival order, what the source passes on. Mosquitto sends one copy of a
 * message per matching subscription of the session, back to back, each carrying the identifier of its
 * own subscription (MQTT 5). A copy identical to the message just accepted whose identifiers are all
 * new is such a copy; a copy carrying an identifier already seen is the next publish, even when its
 * bytes are the same. Without identifiers (MQTT 3.1.1, or a broker without them) copies cannot be told
 * from repeated publishes, so they pass: the gateway deduplicates readings downstream.
 */
export class DeliveryGuard {
  private readonly ours: ReadonlySet<number> | undefined;
  private last: { topic: string; payload: Buffer; identifiers: Set<number> } | undefined;

  /**
   * @param identifiers the identifier of each subscribed filter, when subscriptions carry identifiers.
   */
  constructor(
    private readonly subscriptions: readonly Subscription[],
    identifiers: ReadonlyMap<string, number> | undefined,
  ) {
    this.ours = identifiers ? new Set(identifiers.values()) : undefined;
  }

  judge(message: InboundMessage, subscriptionIdentifiers: readonly number[]): Judgement {
    if (!this.subscriptions.some((subscription) => filterMatches(subscription.topic, message.topic))) {
      this.last = undefined;
      return { verdict: 'outside', staleEvidence: true };
    }
    const identifiers = new Set(subscriptionIdentifiers.length > 0 ? subscriptionIdentifiers : [NO_IDENTIFIER]);
    const sameBytes = this.last !== undefined && this.last.topic === message.topic && this.last.payload.equals(message.payload);
    if (!this.ours) {
      this.last = { topic: message.topic, payload: message.payload, identifiers };
      // Back-to-back identical messages are what a second subscription's copies look like.
      return { verdict: 'accept', staleEvidence: sameBytes };
    }
    const foreign = [...identifiers].some((identifier) => !this.ours!.has(identifier));
    if (sameBytes && [...identifiers].every((identifier) => !this.last!.identifiers.has(identifier))) {
      for (const identifier of identifiers) this.last!.identifiers.add(identifier);
      return { verdict: 'duplicate', staleEvidence: foreign };
    }
    this.last = { topic: message.topic, payload: message.payload, identifiers };
    return { verdict: 'accept', staleEvidence: foreign };
  }
}
