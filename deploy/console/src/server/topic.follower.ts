import { randomUUID } from 'node:crypto';
import { awaitTopicsListed } from '@fieldmesh/governance';
import type { ConsumedRecord, KafkaAdminPort, KafkaConsumerPort, KafkaPort } from '@fieldmesh/kafka';

export interface TopicFollowerOptions {
  topic: string;
  /** Creates the topic when missing (as its owner would), so the console can start before the jobs that write it. */
  ensureTopic: (admin: KafkaAdminPort, topic: string) => Promise<void>;
  /** Prefix of the throw-away consumer group. */
  groupPrefix: string;
}

/**
 * Reads a topic from its beginning and keeps reading, handing every record to `onRecord`: the console's
 * views (alerts, SLOs, lineage) are folds of their topics, never a copy of their own. The group is new
 * on every start (its committed offsets are never needed again), so a restart reads the whole topic.
 * `caughtUp` resolves once the records that existed at start have all been handed over.
 */
export class TopicFollower {
  private consumer: KafkaConsumerPort | undefined;
  private resolveCaughtUp!: () => void;
  readonly caughtUp = new Promise<void>((resolve) => (this.resolveCaughtUp = resolve));

  constructor(
    private readonly kafka: KafkaPort,
    private readonly options: TopicFollowerOptions,
    private readonly onRecord: (record: ConsumedRecord) => void,
  ) {}

  async start(): Promise<void> {
    const { topic } = this.options;
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    try {
      if (!(await admin.listTopics()).includes(topic)) {
        await this.options.ensureTopic(admin, topic);
        await awaitTopicsListed(admin, [topic]);
      }
      ends = new Map((await admin.fetchTopicEndOffsets(topic)).map((p) => [p.partition, BigInt(p.offset)]));
    } finally {
      await admin.disconnect();
    }
    const pending = new Set([...ends].filter(([, end]) => end > 0n).map(([partition]) => partition));
    if (pending.size === 0) this.resolveCaughtUp();
    this.consumer = this.kafka.consumer({ groupId: `${this.options.groupPrefix}-${randomUUID()}`, topics: [topic], fromBeginning: true, maxBatchRecords: 5_000, maxWaitMs: 200 });
    await this.consumer.connect();
    await this.consumer.run(async (batch) => {
      for (const record of batch.records) {
        this.onRecord(record);
        const end = ends.get(record.partition);
        if (end !== undefined && BigInt(record.offset) + 1n >= end) pending.delete(record.partition);
      }
      if (pending.size === 0) this.resolveCaughtUp();
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
