import { topicSpecFor, type LoadedContract } from '@fieldmesh/governance';
import { dlqTopicFor, type KafkaPort, type TopicSpec } from '@fieldmesh/kafka';

/** Dead letters are kept two weeks: long enough to investigate and replay. */
const DLQ_RETENTION_MS = String(14 * 86_400_000);

/**
 * Creates the product topics as their contracts say (partitions, replication, retention; `topic` may
 * override the name for tests) and the dead-letter topics of the jobs' inputs. Existing topics are left
 * alone; governance's drift check reports differences.
 */
export async function ensureTopics(kafka: KafkaPort, products: Array<{ contract: LoadedContract; topic: string }>, inputTopics: string[]): Promise<void> {
  const dlq = (topic: string, replicationFactor: number): TopicSpec => ({ topic: dlqTopicFor(topic), partitions: 1, replicationFactor, configs: { 'retention.ms': DLQ_RETENTION_MS } });
  const replication = products[0]?.contract.contract.kafka.replicationFactor ?? 1;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics([
      ...products.map(({ contract, topic }) => ({ ...topicSpecFor(contract.contract), topic })),
      ...products.map(({ contract, topic }) => dlq(topic, contract.contract.kafka.replicationFactor)),
      ...inputTopics.map((topic) => dlq(topic, replication)),
    ]);
  } finally {
    await admin.disconnect();
  }
}
