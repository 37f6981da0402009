import { awaitTopicsListed } from '@fieldmesh/governance';
import { type KafkaPort, TopicFollower } from '@fieldmesh/kafka';
import { ensureSloTopic, sloEventKey, sloEventSchema, type SloEvent, type SloState, type SloStatus } from '@fieldmesh/slo';

const RECENT_EVENTS = 500;

/**
 * A product's state over its SLOs and scopes: breached if any is, else ok if any is judged ok, else unknown.
 * `unknown` means "nothing to judge" (completeness before its first window or without an expected rate, an
 * event-driven product's freshness), not a doubt about the judged ones, so it never hides them.
 */
export function productState(states: readonly SloState[]): SloState {
  if (states.includes('breached')) return 'breached';
  return states.includes('ok') ? 'ok' : 'unknown';
}

/**
 * SLO status and events. Events come from `_fieldmesh.slo`; status comes from the in-process monitor when
 * the console runs beside one, else from the latest event per product, SLO and scope (BREACHED → breached,
 * RECOVERED → ok), which is what the topic can tell.
 */
export class SloBoard {
  private readonly follower: TopicFollower;
  private readonly latest = new Map<string, SloEvent>();
  private readonly recent: SloEvent[] = [];
  private skipped = 0;

  constructor(
    kafka: KafkaPort,
    readonly topic: string,
    private readonly monitorStatus?: () => SloStatus[],
  ) {
    this.follower = new TopicFollower(
      kafka,
      {
        topic,
        groupPrefix: 'fieldmesh-console-slo',
        ensureTopic: async (admin, name) => {
          await ensureSloTopic(admin, name);
          await awaitTopicsListed(admin, [name]);
        },
      },
      (record) => {
        const parsed = record.value ? sloEventSchema.safeParse(safeJson(record.value.toString('utf8'))) : undefined;
        if (!parsed?.success) {
          this.skipped += 1;
          return;
        }
        const event = parsed.data;
        this.latest.set(sloEventKey(event.topic, event.slo, event.scope), event);
        this.recent.push(event);
        if (this.recent.length > RECENT_EVENTS) this.recent.shift();
      },
    );
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  get caughtUp(): Promise<void> {
    return this.follower.caughtUp;
  }

  status(): SloStatus[] {
    if (this.monitorStatus) return this.monitorStatus().map((s) => ({ ...s }));
    return [...this.latest.values()].map((e) => ({
      product: e.product,
      topic: e.topic,
      slo: e.slo,
      scope: e.scope,
      state: e.type === 'BREACHED' ? 'breached' : 'ok',
      observed: e.observed,
      objective: e.objective,
      since: e.at,
      reason: null,
    }));
  }

  /** Newest first. */
  events(): SloEvent[] {
    return [...this.recent].reverse();
  }

  statusOf(productId: string): SloStatus[] {
    return this.status().filter((s) => s.product === productId);
  }

  /** Events kept (the newest 500), records that were not SLO events, and where status comes from. */
  stats(): { events: number; skipped: number; statusFrom: 'monitor' | 'topic' } {
    return { events: this.recent.length, skipped: this.skipped, statusFrom: this.monitorStatus ? 'monitor' : 'topic' };
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
