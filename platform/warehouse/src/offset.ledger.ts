import type { ClickHouseClient } from '@clickhouse/client';
import { WarehouseStatementFailed } from './errors';
import { describeTable } from './table.introspection';
import { engineClause, onClusterClause, qualifiedTableName } from './table.plan';

/** The ClickHouse sink's own table in its database: the highest offset per partition an insert was about to write. */
export const OFFSET_LEDGER_TABLE = '_fieldmesh_sink_offsets';

/**
 * Creates the sink's offset ledger in `database` when missing, and only then: the sink's user on a server
 * may not run DDL (not even CREATE … IF NOT EXISTS), so `fieldmesh products apply` makes it as the admin.
 * On a cluster the ledger is replicated like the product tables, so a sink that moves to another replica
 * finds its marks there. Returns the ledger's qualified name.
 */
export async function provisionOffsetLedger(client: ClickHouseClient, database: string, cluster?: string): Promise<string> {
  const ledger = qualifiedTableName({ database, table: OFFSET_LEDGER_TABLE });
  if (await describeTable(client, database, OFFSET_LEDGER_TABLE)) return ledger;
  const sql =
    `CREATE TABLE IF NOT EXISTS ${ledger}${onClusterClause(cluster)} (_topic String, _partition Int32, _offset UInt64) ` +
    // The version column keeps the highest offset per partition when parts merge (18.16 wants it unsigned).
    `ENGINE = ${engineClause({ engine: cluster ? 'ReplicatedMergeTree' : 'MergeTree', database, table: OFFSET_LEDGER_TABLE }, '_offset')} ORDER BY (_topic, _partition)`;
  try {
    await client.command({ query: sql });
  } catch (error) {
    throw new WarehouseStatementFailed(`Creating the sink's offset ledger in ${database}`, sql, { cause: error });
  }
  return ledger;
}
