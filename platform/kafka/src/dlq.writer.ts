import { DEFAULT_REPLICATION_FACTOR } from './topic.replication';
import { buildDlqHeaders, DLQ_HEADER_PREFIX, dlqTopicFor, type DlqFailure } from './dlq.headers';
import type { ConsumedRecord, KafkaAdminPort, KafkaProducerPort, OutgoingRecord, TopicSpec } from './ports';

/** One record to dead-letter and why. */
export interface DeadLetter extends DlqFailure {
  record: ConsumedRecord;
}

export interface DeadLetterCount {
  topic: string;
  stage: string;
  count: number;
}

/**
 * Puts failed records, unchanged (key, value, headers, timestamp), on `<topic>.dlq` with headers naming
 * where they came from and what failed, so the stream goes on and the records can be inspected or
 * replayed. Uses a producer the caller connects and owns.
 */
export class DlqWriter {
  private readonly counts = new Map<string, DeadLetterCount>();

  constructor(
    private readonly producer: KafkaProducerPort,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Resolves once every dead letter is acknowledged; only then may the caller commit past them. */
  async write(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const now = this.clock();
    await this.producer.send(letters.map((letter) => toDlqRecord(letter, now)));
    for (const { record, stage } of letters) {
      const key = `${record.topic}\0${stage}`;
      const entry = this.counts.get(key) ?? { topic: record.topic, stage, count: 0 };
      entry.count += 1;
      this.counts.set(key, entry);
    }
  }

  /** Records dead-lettered by this writer, per source topic and stage. */
  deadLettered(): DeadLetterCount[] {
    return [...this.counts.values()].map((entry) => ({ ...entry }));
  }
}

function toDlqRecord({ record, stage, error }: DeadLetter, now: number): OutgoingRecord {
  // A record that failed again after a replay from the DLQ carries old error headers: replace them.
  const original = Object.fromEntries(Object.entries(record.headers).filter(([name]) => !name.startsWith(DLQ_HEADER_PREFIX)));
  return {
    topic: dlqTopicFor(record.topic),
    key: record.key,
    value: record.value,
    headers: { ...original, ...buildDlqHeaders(record, { stage, error }, now) },
    timestamp: record.timestamp,
  };
}

/** Creates `<topic>.dlq` if missing. Defaults: 1 partition, replication factor 3 (capped by the cluster), 14 days retention. */
export async function createDlqTopic(admin: KafkaAdminPort, topic: string, options: Partial<Omit<TopicSpec, 'topic'>> = {}): Promise<string> {
  const dlqTopic = dlqTopicFor(topic);
  await admin.createTopics([
    {
      topic: dlqTopic,
      partitions: options.partitions ?? 1,
      replicationFactor: options.replicationFactor ?? DEFAULT_REPLICATION_FACTOR,
      configs: { 'retention.ms': String(14 * 24 * 60 * 60 * 1000), ...options.configs },
    },
  ]);
  return dlqTopic;
}
