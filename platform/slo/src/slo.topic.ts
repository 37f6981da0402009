import { DEFAULT_REPLICATION_FACTOR } from '@fieldmesh/kafka';
import type { KafkaAdminPort } from '@fieldmesh/kafka';
import { SLO_TOPIC, type SloName } from './slo.types';

/** How long SLO events stay readable: long enough for a month's SLO report. */
export const SLO_RETENTION_MS = 30 * 86_400_000;

/**
 * Creates the SLO topic when missing. One partition keeps every transition in order for readers that
 * replay it; events are history (a breach and its recovery both matter), so it is deleted by age, not compacted.
 */
export async function ensureSloTopic(admin: KafkaAdminPort, topic = SLO_TOPIC, replicationFactor = DEFAULT_REPLICATION_FACTOR): Promise<void> {
  await admin.createTopics([{ topic, partitions: 1, replicationFactor, configs: { 'cleanup.policy': 'delete', 'retention.ms': String(SLO_RETENTION_MS) } }]);
}

/** The record key of an SLO event: `<productTopic>|<slo>|<scope>`. */
export function sloEventKey(topic: string, slo: SloName, scope: string): string {
  return `${topic}|${slo}|${scope}`;
}
