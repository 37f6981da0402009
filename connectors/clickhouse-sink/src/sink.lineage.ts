import type { LoadedContract } from '@fieldmesh/governance';
import { clickhouseDataset, identityColumnLineage, type JobSpec, kafkaDataset, streamingJobTypeFacet } from '@fieldmesh/lineage';
import type { TablePlan } from '@fieldmesh/warehouse';

/**
 * The sink's job for one product as OpenLineage: the Kafka topic into its table, each column copied
 * from the field of the same name (map fields split into `.key`/`.value` columns on old servers trace to
 * their field too). Provenance columns (`_topic`, `_partition`, `_offset`) come from Kafka itself.
 */
export function sinkLineageJob(loaded: LoadedContract, plan: TablePlan, options: { brokers: readonly string[]; server: string }): JobSpec {
  const input = kafkaDataset(options.brokers, plan.topic, loaded.avroSchema);
  const fields = loaded.avroType.fields.map((field) => field.name);
  const columns = plan.columns.map((column) => column.name).filter((name) => fields.includes(name.split('.')[0]!));
  const lineage = identityColumnLineage({ namespace: input.namespace, name: input.name }, fields);
  const byColumn = Object.fromEntries(columns.map((column) => [column, lineage.fields[column.split('.')[0]!]!]));
  return {
    name: `clickhouse-sink.${plan.table}`,
    inputs: [input],
    outputs: [clickhouseDataset(options.server, plan.database, plan.table, { columnLineage: { ...lineage, fields: byColumn } })],
    facets: { jobType: streamingJobTypeFacet('SINK') },
  };
}
