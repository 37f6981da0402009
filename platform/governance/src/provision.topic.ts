import { dlqTopicFor, MIN_INSYNC_REPLICAS, type KafkaAdminPort, type TopicSpec } from '@fieldmesh/kafka';
import { TopicNotListed } from './provision.errors';
import { minInSyncReplicasOf, type DataContract } from './contract.schema';
import { durationToMs } from './iso-duration';

/**
 * The topic configs a contract fixes, by Kafka's own names. Products are event streams whose history
 * expires with the contract's Kafka retention, so the policy is delete, never compact. `min.insync.replicas`
 * is the contract's; a cluster too small for it gets less (replicationOnCluster).
 */
export function topicConfigsFor(contract: DataContract): Record<string, string> {
  return {
    'retention.ms': String(durationToMs(contract.retention.kafka)),
    'cleanup.policy': 'delete',
    [MIN_INSYNC_REPLICAS]: String(minInSyncReplicasOf(contract)),
  };
}

/** The product topic as the contract asks for it; createTopics and provisioning cap its replication by the cluster's size. */
export function topicSpecFor(contract: DataContract, topic: string = contract.kafka.topic): TopicSpec {
  return { topic, partitions: contract.kafka.partitions, replicationFactor: contract.kafka.replicationFactor, configs: topicConfigsFor(contract) };
}

/** The cluster's live brokers: what replication a topic can have on it. */
export async function brokerCount(admin: KafkaAdminPort): Promise<number> {
  return (await admin.describeCluster()).brokers.length;
}

/** The replication factor a topic has: its smallest partition's number of replicas. */
export async function topicReplicationFactor(admin: KafkaAdminPort, topic: string): Promise<number> {
  return Math.min(...(await admin.describeTopicPartitions(topic)).map((partition) => partition.replicas.length));
}

/** Dead letters wait for a person: two weeks to notice, investigate and replay, even on a product kept for less. */
export const DLQ_MIN_RETENTION_MS = 14 * 86_400_000;

/**
 * The configs of a product's dead-letter topic, the one rule for every DLQ of a product (the gateway's,
 * the jobs' inputs'): kept as long as the product's records and at least DLQ_MIN_RETENTION_MS, deleted
 * (not compacted) when they expire; replicated as the product is.
 */
export function dlqConfigsFor(contract: DataContract): Record<string, string> {
  return {
    'retention.ms': String(Math.max(durationToMs(contract.retention.kafka), DLQ_MIN_RETENTION_MS)),
    'cleanup.policy': 'delete',
    [MIN_INSYNC_REPLICAS]: String(minInSyncReplicasOf(contract)),
  };
}

/** The dead-letter topic of the product's topic (`topic` when a test or a side-by-side run overrides the contract's). */
export function dlqTopicSpecFor(contract: DataContract, topic: string = contract.kafka.topic): TopicSpec {
  return { topic: dlqTopicFor(topic), partitions: 1, replicationFactor: contract.kafka.replicationFactor, configs: dlqConfigsFor(contract) };
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
