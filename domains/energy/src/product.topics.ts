import { durationToMs, type LoadedContract } from '@fieldmesh/governance';
import { dlqTopicFor, type KafkaPort } from '@fieldmesh/kafka';

/**
 * The product topic (`topic`, the contract's unless overridden) as its contract says (partitions, replication, retention) and the dead-letter topics
 * the job writes to; existing topics are left alone (governance's drift check reports differences).
 */
export async function ensureProductTopics(kafka: KafkaPort, loaded: LoadedContract, topic: string, inputTopics: string[]): Promise<void> {
  const { kafka: spec, retention } = loaded.contract;
  const configs = { 'retention.ms': String(durationToMs(retention.kafka)) };
  const dlq = (topic: string) => ({ topic: dlqTopicFor(topic), partitions: 1, replicationFactor: spec.replicationFactor, configs: { 'retention.ms': String(14 * 86_400_000) } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics([{ topic, partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs }, dlq(topic), ...inputTopics.map(dlq)]);
  } finally {
    await admin.disconnect();
  }
}
