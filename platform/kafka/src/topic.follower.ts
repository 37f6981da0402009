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
      ends = new Map((await admin.fetchTopicEndOffsets(topic)).map((p) => [p.partition, BigInt(p.offset)]));
    } finally {
      await admin.disconnect();
    }
    const pending = new Set([...ends].filter(([, end]) => end > 0n).map(([partition]) => partition));
    const caughtUp = () => {
      clearTimeout(this.catchUpTimer);
      this.resolveCaughtUp();
    };
    if (pending.size === 0) caughtUp();
    else if (catchUpTimeoutMs !== undefined) {
      this.catchUpTimer = setTimeout(() => this.rejectCaughtUp(new TopicEndNotReached(topic, [...pending], catchUpTimeoutMs)), catchUpTimeoutMs);
    }
    this.consumer = this.kafka.consumer({ groupId: `${this.options.groupPrefix}-${randomUUID()}`, topics: [topic], fromBeginning: true, maxBatchRecords: 5_000, maxWaitMs: 200 });
    await this.consumer.connect();
    await this.consumer.run(async (batch) => {
      for (const record of batch.records) {
        await this.onRecord(record);
        const end = ends.get(record.partition);
        if (end !== undefined && BigInt(record.offset) + 1n >= end) pending.delete(record.partition);
      }
      if (pending.size === 0) caughtUp();
    });
  }

  async stop(): Promise<void> {
    clearTimeout(this.catchUpTimer);
    await this.consumer?.disconnect();
  }
}
