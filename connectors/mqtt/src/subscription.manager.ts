import type { MqttConnection, Subscription } from './client';
import type { MqttSourceConfig } from './config';
import { DeliveryGuard } from './delivery.guard';
import type { MqttSourceMetrics } from './source.metrics';
import { withoutRedundant } from './subscription.plan';
import { SubscriptionStore } from './subscriptions.store';
import { filtersMatching, subscriptionIdentifier } from './topic.filter';

/** Topics swept per connection at most: a stale filter a sweep cannot name must not grow memory without end. */
const MAX_SWEPT_TOPICS = 10_000;

/**
 * Keeps the broker session's subscriptions equal to the configured ones. A persistent session holds every
 * filter ever subscribed under the client id until it is unsubscribed, so a filter removed from the
 * config (or widened, narrowed, moved to another site) would go on delivering: other plants' messages,
 * and a second copy of ours. On connect it unsubscribes the filters recorded last time that are no
 * longer configured; filters it has no record of (state folder new or lost) are unsubscribed once their
 * messages show they exist ("sweeps"). Only filters, never the session, are dropped: messages queued for
 * the configured filters stay.
 */
export class SubscriptionManager {
  private readonly store: SubscriptionStore;
  private readonly subscriptions: Subscription[];
  private swept = new Set<string>();
  private sweeping = false;

  constructor(
    private readonly config: MqttSourceConfig,
    configured: readonly Subscription[],
    stateDir: string,
    private readonly counters: MqttSourceMetrics,
    private readonly warn: (message: string) => void,
  ) {
    this.store = new SubscriptionStore(stateDir);
    this.subscriptions = withoutRedundant(configured);
  }

  /** Subscribes the configured filters, unsubscribes the recorded ones no longer configured; returns the guard for this connection. */
  async establish(connection: MqttConnection): Promise<DeliveryGuard> {
    const { url, clientId } = this.config;
    // Without a session present the broker holds nothing of ours: nothing can be stale.
    const recorded = connection.sessionPresent ? this.store.load(url, clientId) : [];
    const stale = (recorded ?? []).filter((old) => !this.subscriptions.some((subscription) => subscription.topic === old.topic));
    // Recorded before subscribing: a crash in between must not forget a filter the session may now hold.
    this.store.save(url, clientId, [...this.subscriptions, ...stale]);
    const identifiers = connection.subscriptionIdentifiersAvailable ? this.identifiers() : undefined;
    await connection.subscribe(this.subscriptions, identifiers);
    if (stale.length > 0) {
      await connection.unsubscribe(stale.map((old) => old.topic));
      this.counters.staleSubscriptionsRemoved += stale.length;
      this.warn(
        `unsubscribed ${stale.map((old) => old.topic).join(', ')}: no longer configured, but still in the broker session of client id ${clientId}; messages already queued for them are dropped`,
      );
    }
    this.store.save(url, clientId, this.subscriptions);
    if (connection.sessionPresent && recorded === undefined) {
      this.warn(
        `the broker session of client id ${clientId} existed before, but this connector has no record of its filters (state folder new or lost): ` +
          'filters of earlier configurations are unsubscribed as their messages arrive, and those messages are dropped. Give each gateway its own client id.',
      );
    }
    this.swept = new Set();
    this.sweeping = false;
    return new DeliveryGuard(this.subscriptions, identifiers);
  }

  /**
   * A message showed that the session holds a filter we did not subscribe: unsubscribe every filter that
   * matches its topic except ours. One sweep at a time, each topic once per connection.
   */
  sweep(connection: MqttConnection, topic: string): void {
    if (this.sweeping || this.swept.has(topic) || this.swept.size >= MAX_SWEPT_TOPICS) return;
    this.swept.add(topic);
    const candidates = filtersMatching(topic)?.filter((filter) => !this.subscriptions.some((subscription) => subscription.topic === filter));
    if (!candidates || candidates.length === 0) return;
    this.sweeping = true;
    void connection
      .unsubscribe(candidates)
      .then((reasonCodes) => {
        const removed = reasonCodes ? candidates.filter((_, index) => reasonCodes[index] === 0) : [];
        if (removed.length === 0) return;
        this.counters.staleSubscriptionsRemoved += removed.length;
        this.warn(`unsubscribed ${removed.join(', ')}: not configured, but left in the broker session of client id ${this.config.clientId} by an earlier configuration`);
      })
      // The connection is gone: the next one finds the filter again by its messages.
      .catch(() => undefined)
      .finally(() => {
        this.sweeping = false;
      });
  }

  /** One identifier per filter, or none when two filters would share one (then copies cannot be told apart). */
  private identifiers(): Map<string, number> | undefined {
    const identifiers = new Map(this.subscriptions.map(({ topic }) => [topic, subscriptionIdentifier(topic)]));
    return new Set(identifiers.values()).size === identifiers.size ? identifiers : undefined;
  }
}
