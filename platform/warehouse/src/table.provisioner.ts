import type { ClickHouseClient } from '@clickhouse/client';
import { WarehouseStatementFailed } from './errors';
import { describeTable, tableDrift, type TableDrift } from './table.introspection';
import { createTableSql, distributedTableName, distributedTableSql, onClusterClause, quoteIdentifier, type TablePlan } from './table.plan';

export interface ProvisionedTable {
  plan: TablePlan;
  /** Differences left between the contract and an existing table (an existing table is never altered). */
  drift: TableDrift[];
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
 * from the plan. An existing table is left as it is: changing a table is a migration for a person to
 * decide, which the governance drift check points to. A user that may not run DDL (the sink's on a
 * server) thus starts on the tables `fieldmesh products apply` made.
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
  return { plan, drift: tableDrift(plan, existing) };
}
