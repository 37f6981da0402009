import { randomUUID } from 'node:crypto';
import { TopicEndNotReached, TopicNotFound } from './errors';
import type { ConsumedRecord, KafkaAdminPort, KafkaConsumerPort, KafkaPort } from './ports';

export interface TopicFollowerOptions {
  topic: string;
  /**
   * Creates the topic when missing (as its owner would) and resolves once the broker lists it, so a reader
   * can start before the jobs that write the topic. Without it a missing topic fails start with TopicNotFound.
   */
  ensureTopic?: (admin: KafkaAdminPort, topic: string) => Promise<void>;
  /** Prefix of the throw-away consumer group: `<groupPrefix>-<uuid>`, so the broker's group list says who reads. */
  groupPrefix: string;
  /** When set, `caughtUp` rejects with TopicEndNotReached if the records that existed at start take longer. */
  catchUpTimeoutMs?: number;
}

/**
 * Reads a topic from its beginning and keeps reading, handing every record to `onRecord` (awaited, in
 * offset order per partition): state that is a fold of a topic (the console's views, the alerts the
 * asset-health domain and the console both write) is rebuilt from it, never kept as a private copy. The
 * group is new on every start (its committed offsets are never needed again), so a restart reads the
 * whole topic. `caughtUp` resolves once the records that existed at start have all been handled.
 */
export class TopicFollower {
  private consumer: KafkaConsumerPort | undefined;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (error: Error) => void;
  private catchUpTimer: NodeJS.Timeout | undefined;
  readonly caughtUp = new Promise<void>((resolve, reject) => {
    this.resolveCaughtUp = resolve;
    this.rejectCaughtUp = reject;
  });
  /** Per partition, the offset below which every record was handled (or was a transaction marker). */
  private readonly handled = new Map<number, bigint>();
  /** Catch-ups in progress: the end offsets each waits for, and how to tell it. */
  private readonly targets = new Set<{ ends: Map<number, bigint>; reached: () => void }>();
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly options: TopicFollowerOptions,
    private readonly onRecord: (record: ConsumedRecord) => void | Promise<void>,
  ) {}

  async start(): Promise<void> {
    const { topic, ensureTopic, catchUpTimeoutMs } = this.options;
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    try {
      if (!(await admin.listTopics()).includes(topic)) {
        if (!ensureTopic) throw new TopicNotFound(topic, 'Following');
        await ensureTopic(admin, topic);
      }
      ends = await endOffsets(admin, topic);
    } finally {
      await admin.disconnect();
    }
    const reached = this.reach(ends);
    if (catchUpTimeoutMs !== undefined) {
      this.catchUpTimer = setTimeout(() => this.rejectCaughtUp(new TopicEndNotReached(topic, this.behind(ends), catchUpTimeoutMs)), catchUpTimeoutMs);
    }
    void reached.then(() => {
      clearTimeout(this.catchUpTimer);
      this.resolveCaughtUp();
    });
    this.consumer = this.kafka.consumer({ groupId: `${this.options.groupPrefix}-${randomUUID()}`, topics: [topic], fromBeginning: true, maxBatchRecords: 5_000, maxWaitMs: 200 });
    await this.consumer.connect();
    await this.consumer.run(async (batch) => {
      for (const record of batch.records) {
        await this.onRecord(record);
        const next = BigInt(record.offset) + 1n;
        if (next > (this.handled.get(record.partition) ?? 0n)) this.handled.set(record.partition, next);
      }
      this.settle();
    });
  }

  /**
   * Resolves once every record the topic held when called has been handled, e.g. before acting on state
   * another writer may have just committed. The end of a partition whose last entry is a transaction
   * marker counts as reached from the consumer's position (the marker is no record to hand over).
   */
  async catchUp(timeoutMs = 60_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    try {
      ends = await endOffsets(admin, this.options.topic);
    } finally {
      await admin.disconnect();
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TopicEndNotReached(this.options.topic, this.behind(ends), timeoutMs)), timeoutMs);
    });
    await Promise.race([this.reach(ends), timeout]).finally(() => clearTimeout(timer));
  }

  async stop(): Promise<void> {
    clearTimeout(this.catchUpTimer);
    clearInterval(this.poll);
    await this.consumer?.disconnect();
  }

  /** Resolves once every partition is handled up to `ends`; polls the consumer's positions meanwhile (markers give no record). */
  private reach(ends: Map<number, bigint>): Promise<void> {
    return new Promise((resolve) => {
      this.targets.add({ ends, reached: resolve });
      this.settle();
      this.poll ??= setInterval(() => this.settle(), 100);
    });
  }

  private settle(): void {
    for (const position of this.consumer?.positions?.() ?? []) {
      const offset = BigInt(position.offset);
      if (offset > (this.handled.get(position.partition) ?? 0n)) this.handled.set(position.partition, offset);
    }
    for (const target of this.targets) {
      if (this.behind(target.ends).length > 0) continue;
      this.targets.delete(target);
      target.reached();
    }
    if (this.targets.size === 0) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  }

  /** The partitions not handled up to `ends` yet. */
  private behind(ends: Map<number, bigint>): number[] {
    return [...ends].filter(([partition, end]) => end > (this.handled.get(partition) ?? 0n)).map(([partition]) => partition);
  }
}

async function endOffsets(admin: KafkaAdminPort, topic: string): Promise<Map<number, bigint>> {
  return new Map((await admin.fetchTopicEndOffsets(topic)).map((p) => [p.partition, BigInt(p.offset)]));
}
