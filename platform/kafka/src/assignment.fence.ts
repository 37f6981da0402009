import type { TopicPartition } from './ports';

/** What one completed join gave this member: the group generation and the partitions of that generation. */
export interface Membership {
  generationId: number;
  memberId: string;
  partitions: TopicPartition[];
}

const keyOf = (topic: string, partition: number): string => `${topic}\0${partition}`;

/**
 * Which partitions this member may hand to its handler and commit, between two rebalances. The group
 * protocol is eager: a rebalance takes every partition from every member and gives them out again only once
 * all members have rejoined. So a member revokes its whole share before it rejoins, and the revocation waits
 * for the batch in flight (handler and commit): no other member is given a partition while this one still
 * processes it, and the new owner starts from the offsets that batch committed.
 */
export class AssignmentFence {
  private current: Membership | undefined;
  private owned = new Set<string>();
  private inflight: Promise<void> | undefined;

  /** The share of the last completed join, or undefined while a rebalance is under way. */
  get membership(): Membership | undefined {
    return this.current;
  }

  assign(membership: Membership): void {
    this.current = membership;
    this.owned = new Set(membership.partitions.map((p) => keyOf(p.topic, p.partition)));
  }

  /** Gives up the whole share at once, and resolves when the batch in flight (if any) has settled. */
  async revoke(): Promise<void> {
    this.current = undefined;
    this.owned = new Set();
    await this.inflight;
  }

  owns(topic: string, partition: number): boolean {
    return this.owned.has(keyOf(topic, partition));
  }

  /** Runs one batch; a revocation started meanwhile waits until it settles, whichever way. */
  async run<T>(batch: () => Promise<T>): Promise<T> {
    const running = batch();
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.inflight = settled;
    try {
      return await running;
    } finally {
      if (this.inflight === settled) this.inflight = undefined;
    }
  }

  /** The positions among `positions` that `membership` owns: a batch commits nothing of another member's. */
  static within<P extends TopicPartition>(membership: Membership, positions: P[]): P[] {
    const owned = new Set(membership.partitions.map((p) => keyOf(p.topic, p.partition)));
    return positions.filter((p) => owned.has(keyOf(p.topic, p.partition)));
  }
}
