import type { ClickHouseClient } from '@clickhouse/client';
import { enumWidenings, enumWideningSql, type EnumWidening } from './enum.widening';
import { WarehouseStatementFailed } from './errors';
import { describeTable, tableDrift, type TableDrift } from './table.introspection';
import { createTableSql, distributedTableName, distributedTableSql, onClusterClause, quoteIdentifier, type TablePlan } from './table.plan';

export interface ProvisionedTable {
  plan: TablePlan;
  /** Differences left between the contract and an existing table (beyond widened Enum columns, it is never altered). */
  drift: TableDrift[];
  /** Enum columns of an existing table that gained the values the contract appended. */
  widened: EnumWidening[];
}

async function run(client: ClickHouseClient, operation: string, sql: string): Promise<void> {
  try {
    await client.command({ query: sql });
  } catch (error) {
    throw new WarehouseStatementFailed(operation, sql, { cause: error });
  }
}

/**
 * Creates the plan's database and table when missing, and only then, then reports how the table differs
 * from the plan. Of an existing table, only an Enum column whose contract appended symbols is changed
 * (a compatible contract version, e.g. a new `SourceProtocol`; see enum.widening.ts): metadata alone, no
 * stored row changes, and without it the new symbols' rows could not be inserted. Anything else is left
 * as it is: changing a table is a migration for a person to decide, which the governance drift check
 * points to. A user that may not run DDL (the sink's on a server) thus starts on the tables
 * `fieldmesh products apply` made and widened; its own attempt fails naming the statement.
 *
 * On a cluster (`plan.cluster`) every statement runs ON CLUSTER, so each replica gets the database, the
 * replicated table and its Distributed table; ClickHouse waits for every replica to run it (a replica
 * that is down makes it fail after `distributed_ddl_task_timeout`, 180 s, and runs it when it is back).
 */
export async function provisionTable(client: ClickHouseClient, plan: TablePlan): Promise<ProvisionedTable> {
  let existing = await describeTable(client, plan.database, plan.table);
  if (!existing) {
    await run(client, `Creating database ${plan.database}`, `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(plan.database)}${onClusterClause(plan.cluster)}`);
    await run(client, `Creating table ${plan.database}.${plan.table} for ${plan.topic}`, createTableSql(plan));
    existing = await describeTable(client, plan.database, plan.table);
  }
  if (plan.cluster && !(await describeTable(client, plan.database, distributedTableName(plan)))) {
    await run(client, `Creating the Distributed table ${plan.database}.${distributedTableName(plan)} over ${plan.table}`, distributedTableSql(plan));
  }
  // After the Distributed table exists: it copied the table's old columns and is made again with the new ones.
  const widened = existing ? enumWidenings(plan, existing) : [];
  if (widened.length > 0) {
    const columns = widened.map((w) => `${w.column} (+${w.added.join(', +')})`).join('; ');
    for (const sql of enumWideningSql(plan, widened))
      await run(
        client,
        `Adding the contract's new enum values to ${plan.database}.${plan.table}: ${columns} (a user without DDL rights needs 'fieldmesh products apply' run as the admin first)`,
        sql,
      );
    existing = await describeTable(client, plan.database, plan.table);
  }
  return { plan, drift: tableDrift(plan, existing), widened };
}
