import { durationToDays, type LoadedContract } from '@fieldmesh/governance';
import { columnsForSchema, PROVENANCE_COLUMNS, type WarehouseColumn } from './column.mapping';
import { NoTimeColumn } from './errors';
import type { ServerCapabilities } from './server.capabilities';

export type PartitionGranularity = 'day' | 'month';

/** Everything about one product's table, derived from its contract for one server version. */
export interface TablePlan {
  topic: string;
  database: string;
  table: string;
  columns: WarehouseColumn[];
  /** The contract's Kafka key field: first in ORDER BY so one asset's rows are stored together. */
  assetColumn: string;
  timeColumn: string;
  orderBy: string[];
  partitionBy: string;
  partitionGranularity: PartitionGranularity;
  /** Days the warehouse keeps rows (contract `retention.warehouse`). */
  retentionDays: number;
  /** The TTL clause, or undefined on a server without TTL (retention by dropping partitions). */
  ttl: string | undefined;
  /** ReplicatedMergeTree on a cluster's replicas, MergeTree on a single server or chDB. */
  engine: 'MergeTree' | 'ReplicatedMergeTree';
  /** The `remote_servers` cluster the table is created ON and replicated across; undefined for one server. */
  cluster: string | undefined;
  capabilities: ServerCapabilities;
  /** Why this plan differs from the contract's intent on this server (shown once when the table is made). */
  warnings: string[];
}

export interface PlanOptions {
  /** Default 'fieldmesh'. */
  database?: string;
  /**
   * A `remote_servers` cluster of one shard (its replicas): the table becomes ReplicatedMergeTree, created
   * on every replica with ON CLUSTER, with a Distributed table over it (distributedTableSql). Unset: one server.
   */
  cluster?: string | undefined;
}

/** `plant.telemetry.raw.v1` → `plant_telemetry_raw_v1`: ClickHouse identifiers need no quoting then. */
export function tableNameFor(topic: string): string {
  return topic.replace(/[^A-Za-z0-9]+/g, '_');
}

/** Backticks for every identifier: Nested columns have dots, contract fields may be keywords. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

function timeColumnOf(loaded: LoadedContract, columns: WarehouseColumn[]): string {
  const eventTime = loaded.contract.processing?.eventTime;
  if (eventTime) return eventTime;
  const first = columns.find((c) => c.encoding.kind === 'datetime64ms' || c.encoding.kind === 'datetime');
  if (!first) throw new NoTimeColumn(loaded.contract.kafka.topic);
  return first.name;
}

/**
 * The table of a product: MergeTree ordered by (asset key, time) so per-asset time ranges read few
 * granules; partitioned by day while retention is at most a year (a partition is the unit retention
 * drops, and a day is the finest a P90D retention needs) and by month beyond, to keep partitions few.
 * Plain MergeTree rather than ReplacingMergeTree: replacing only dedupes at merge time, so counts would
 * be wrong until then; the sink writes each Kafka record once instead (see the sink's offset store).
 */
export function planTable(loaded: LoadedContract, caps: ServerCapabilities, options: PlanOptions = {}): TablePlan {
  const topic = loaded.contract.kafka.topic;
  const columns = [...columnsForSchema(topic, loaded.avroSchema as unknown as { fields: [] }, caps), ...PROVENANCE_COLUMNS];
  const timeColumn = timeColumnOf(loaded, columns);
  const assetColumn = loaded.contract.kafka.key;
  const retentionDays = durationToDays(loaded.contract.retention.warehouse);
  const partitionGranularity: PartitionGranularity = retentionDays <= 366 ? 'day' : 'month';
  const time = quoteIdentifier(timeColumn);
  const partitionBy = partitionGranularity === 'day' ? `toYYYYMMDD(${time})` : `toYYYYMM(${time})`;
  const warnings: string[] = [];
  let ttl: string | undefined;
  if (caps.ttl) {
    ttl = `toDateTime(${time}) + INTERVAL ${retentionDays} DAY`;
  } else {
    warnings.push(
      `ClickHouse ${caps.version} has no TTL (added in 19.6): table ${tableNameFor(topic)} keeps its contract retention ` +
        `(${loaded.contract.retention.warehouse}, ${retentionDays} days) by dropping whole ${partitionGranularity} partitions ` +
        'with the retention job (dropExpiredPartitions; the sink runs it hourly). Upgrade the server to get TTL instead.',
    );
  }
  if (!caps.dateTime64 && columns.some((c) => c.encoding.kind === 'datetime' || (c.encoding.kind === 'nullable' && c.encoding.inner.kind === 'datetime'))) {
    warnings.push(`ClickHouse ${caps.version} has no DateTime64 (added in 20.1): timestamps of ${tableNameFor(topic)} are stored to the second.`);
  }
  return {
    topic,
    database: options.database ?? 'fieldmesh',
    table: tableNameFor(topic),
    columns,
    assetColumn,
    timeColumn,
    orderBy: [assetColumn, timeColumn],
    partitionBy,
    partitionGranularity,
    retentionDays,
    ttl,
    engine: options.cluster ? 'ReplicatedMergeTree' : 'MergeTree',
    cluster: options.cluster,
    capabilities: caps,
    warnings,
  };
}

/** `database`.`table`, quoted. */
export function qualifiedTableName(plan: Pick<TablePlan, 'database' | 'table'>): string {
  return `${quoteIdentifier(plan.database)}.${quoteIdentifier(plan.table)}`;
}

/** ` ON CLUSTER <name>` for a plan on a cluster, nothing for one server. */
export function onClusterClause(cluster: string | undefined): string {
  return cluster ? ` ON CLUSTER ${quoteIdentifier(cluster)}` : '';
}

/**
 * The engine clause: a replicated table's ZooKeeper path is per shard and table, its replica name the
 * server's `{replica}` macro, so one statement run ON CLUSTER makes every replica of the table.
 */
export function engineClause(plan: Pick<TablePlan, 'engine' | 'database' | 'table'>, replacingVersion?: string): string {
  const engine = replacingVersion ? plan.engine.replace('MergeTree', 'ReplacingMergeTree') : plan.engine;
  const args =
    plan.engine === 'ReplicatedMergeTree'
      ? [`'/clickhouse/tables/{shard}/${plan.database}.${plan.table}'`, "'{replica}'", ...(replacingVersion ? [replacingVersion] : [])]
      : replacingVersion
        ? [replacingVersion]
        : [];
  return args.length > 0 ? `${engine}(${args.join(', ')})` : engine;
}

/** CREATE TABLE IF NOT EXISTS for the plan, in the dialect its server understands (ON CLUSTER on a cluster). */
export function createTableSql(plan: TablePlan): string {
  const columns = plan.columns.map((c) => `  ${quoteIdentifier(c.name)} ${c.type}`).join(',\n');
  const lines = [
    `CREATE TABLE IF NOT EXISTS ${qualifiedTableName(plan)}${onClusterClause(plan.cluster)}`,
    `(\n${columns}\n)`,
    `ENGINE = ${engineClause(plan)}`,
    `PARTITION BY ${plan.partitionBy}`,
    `ORDER BY (${plan.orderBy.map(quoteIdentifier).join(', ')})`,
  ];
  if (plan.ttl) lines.push(`TTL ${plan.ttl}`);
  // Daily partitions expire whole: dropping parts is far cheaper than rewriting them row by row.
  if (plan.ttl) lines.push('SETTINGS ttl_only_drop_parts = 1');
  return lines.join('\n');
}

/** The Distributed table over a product's replicated table: `<table>_all`, beside it in its database. */
export function distributedTableName(plan: Pick<TablePlan, 'table'>): string {
  return `${plan.table}_all`;
}

/**
 * The Distributed table of a plan on a cluster, on every replica. Reads go to one live replica of the
 * shard (a replica that is down is skipped), so a query answers while any replica runs. Writes should go
 * to the replicated table itself (the sink does): an insert into a Distributed table is queued on the
 * server that took it and sent later, so its success would not mean the rows are stored.
 */
export function distributedTableSql(plan: TablePlan): string {
  if (!plan.cluster) throw new RangeError(`the plan of ${plan.table} is for one server: a Distributed table needs a cluster (PlanOptions.cluster)`);
  const distributed = qualifiedTableName({ database: plan.database, table: distributedTableName(plan) });
  return (
    `CREATE TABLE IF NOT EXISTS ${distributed}${onClusterClause(plan.cluster)} AS ${qualifiedTableName(plan)}\n` +
    `ENGINE = Distributed(${quoteIdentifier(plan.cluster)}, ${quoteIdentifier(plan.database)}, ${quoteIdentifier(plan.table)})`
  );
}
