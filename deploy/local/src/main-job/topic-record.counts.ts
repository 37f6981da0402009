import { type KafkaPort, TopicFollower } from '@fieldmesh/kafka';

/**
 * The records each topic holds, counted by reading it. A topic written in Kafka transactions (the domain
 * jobs run as several exactly-once instances) has a commit marker after each transaction's records in
 * every partition it wrote: the marker takes an offset but is no record, so end offsets overcount.
 */
export class TopicRecordCounts {
  private constructor(private readonly topics: Map<string, { follower: TopicFollower; records: number }>) {}

  static async start(kafka: KafkaPort, topics: readonly string[]): Promise<TopicRecordCounts> {
    const counted = new Map<string, { follower: TopicFollower; records: number }>();
    const counts = new TopicRecordCounts(counted);
    try {
      for (const topic of topics) {
        const entry = { follower: undefined as unknown as TopicFollower, records: 0 };
        entry.follower = new TopicFollower(kafka, { topic, groupPrefix: 'fieldmesh-main-job-count' }, () => void (entry.records += 1));
        counted.set(topic, entry);
        await entry.follower.start();
      }
    } catch (error) {
      await counts.stop();
      throw error;
    }
    return counts;
  }

  /** Each topic's records as of now: every topic read up to the end it has when asked. */
  async counts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [topic, entry] of this.topics) {
      await entry.follower.catchUp();
      counts[topic] = entry.records;
    }
    return counts;
  }

  async stop(): Promise<void> {
    for (const { follower } of this.topics.values()) await follower.stop();
  }
}
