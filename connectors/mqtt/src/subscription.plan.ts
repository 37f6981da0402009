import type { Subscription } from './client';
import { filterCovers } from './topic.filter';

/**
 * The configured subscriptions without those another one makes redundant: a filter covered by a wider one
 * of at least its QoS (`acme/berlin/#` beside `acme/#`), or listed twice. Mosquitto (2.0 default
 * `allow_duplicate_messages true`) delivers one copy per matching subscription, so subscribing both would
 * only double every message.
 */
export function withoutRedundant(subscriptions: readonly Subscription[]): Subscription[] {
  return subscriptions.filter(
    (subscription, index) =>
      !subscriptions.some((other, otherIndex) => {
        if (otherIndex === index || other.qos < subscription.qos) return false;
        if (other.topic === subscription.topic) return other.qos > subscription.qos || otherIndex < index;
        return filterCovers(other.topic, subscription.topic);
      }),
  );
}
