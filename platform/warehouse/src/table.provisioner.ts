import type { ClickHouseClient } from '@clickhouse/client';
import { WarehouseStatementFailed } from './errors';
import { describeTable, tableDrift, type TableDrift } from './table.introspection';
import { createTableSql, quoteIdentifier, type TablePlan } from './table.plan';

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
 */
export async function provisionTable(client: ClickHouseClient, plan: TablePlan): Promise<ProvisionedTable> {
  const existing = await describeTable(client, plan.database, plan.table);
  if (existing) return { plan, drift: tableDrift(plan, existing) };
  await run(client, `Creating database ${plan.database}`, `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(plan.database)}`);
  await run(client, `Creating table ${plan.database}.${plan.table} for ${plan.topic}`, createTableSql(plan));
  return { plan, drift: tableDrift(plan, await describeTable(client, plan.database, plan.table)) };
}
