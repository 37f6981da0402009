import { DEFAULT_REPLICATION_FACTOR } from '@fieldmesh/kafka';
import type { KafkaAdminPort } from '@fieldmesh/kafka';

/** Where Fieldmesh jobs publish their OpenLineage run events. */
export const LINEAGE_TOPIC = '_fieldmesh.lineage';

/**
 * Creates the lineage topic when missing. It is compacted with the job as key: every event carries the
 * job's full inputs and outputs, so the latest event per job is all the graph needs, and the topic stays
 * small however long jobs run. The compaction lag keeps a day of history readable for debugging.
 */
export async function ensureLineageTopic(admin: KafkaAdminPort, topic = LINEAGE_TOPIC, replicationFactor = DEFAULT_REPLICATION_FACTOR): Promise<void> {
  await admin.createTopics([
    {
      topic,
      partitions: 1,
      replicationFactor,
      configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(24 * 3_600_000) },
    },
  ]);
}

/** The record key of a job's events. */
export function lineageKey(job: { namespace: string; name: string }): string {
  return `${job.namespace}/${job.name}`;
}
