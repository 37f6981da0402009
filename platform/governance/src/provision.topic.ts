import type { KafkaAdminPort, TopicSpec } from '@fieldmesh/kafka';
import { TopicNotListed } from './provision.errors';
import type { DataContract } from './contract.schema';
import { durationToMs } from './iso-duration';

/**
 * The topic configs a contract fixes, by Kafka's own names. Products are event streams whose history
 * expires with the contract's Kafka retention, so the policy is delete, never compact.
 */
export function topicConfigsFor(contract: DataContract): Record<string, string> {
  return { 'retention.ms': String(durationToMs(contract.retention.kafka)), 'cleanup.policy': 'delete' };
}

export function topicSpecFor(contract: DataContract): TopicSpec {
  return { topic: contract.kafka.topic, partitions: contract.kafka.partitions, replicationFactor: contract.kafka.replicationFactor, configs: topicConfigsFor(contract) };
}

/** The registry subject of the product's values (TopicNameStrategy). */
export function valueSubjectFor(contract: DataContract): string {
  return `${contract.kafka.topic}-value`;
}

/**
 * Waits until the broker lists every topic (a new topic's metadata reaches the broker a moment after
 * creation), so that whoever runs next, a producer or a drift check, finds them.
 */
export async function awaitTopicsListed(admin: KafkaAdminPort, topics: string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !listed.has(t));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new TopicNotListed(missing, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
