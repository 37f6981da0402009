import type { ClickHouseClient } from '@clickhouse/client';
import { WarehouseStatementFailed } from './errors';
import { quoteIdentifier } from './table.plan';
import {
  domainAnalystTableSql,
  rowPolicyDatabaseOf,
  rowPolicyViewSql,
  type AnalystTable,
  type DomainAnalystTable,
  type RowPolicyView,
  type WarehouseAccessNames,
} from './warehouse-access.plan';

export interface InstalledDomainTable {
  domain: string;
  table: string;
  /** The filter its rows pass, or undefined when the domain reads the whole product. */
  filter: string | undefined;
}

async function run(client: ClickHouseClient, operation: string, query: string): Promise<void> {
  try {
    await client.command({ query });
  } catch (cause) {
    throw new WarehouseStatementFailed(operation, query, { cause });
  }
}

async function existingDatabases(admin: ClickHouseClient, prefix: string): Promise<string[]> {
  const result = await admin.query({ query: 'SELECT name FROM system.databases', format: 'JSONEachRow' });
  return (await result.json<{ name: string }>()).map((r) => r.name).filter((name) => name.startsWith(prefix));
}

/**
 * Row-policy views and the domain analysts' tables. All of them hold no data, so each is dropped and
 * made again on every apply: a changed filter or a new policy takes effect at once. A product no longer
 * granted to a domain loses its table there, and the database of a domain that no policy names any more
 * is dropped, so a revoked grant does not linger.
 */
export async function applyDomainAnalystTables(
  admin: ClickHouseClient,
  names: WarehouseAccessNames,
  entries: readonly DomainAnalystTable[],
  products: readonly AnalystTable[],
): Promise<InstalledDomainTable[]> {
  const policyDatabase = rowPolicyDatabaseOf(names);
  const domainDatabases = new Set(entries.map((e) => e.analyst.database));
  for (const stale of await existingDatabases(admin, `${names.analystDatabase}_`)) {
    if (!domainDatabases.has(stale)) await run(admin, `Dropping ${stale}, whose domain no row policy names any more`, `DROP DATABASE ${quoteIdentifier(stale)}`);
  }
  if (entries.some((e) => e.rowPolicy)) await run(admin, `Creating the row-policy database ${policyDatabase}`, `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(policyDatabase)}`);
  const installed: InstalledDomainTable[] = [];
  for (const database of domainDatabases) {
    await run(admin, `Creating the domain analyst database ${database}`, `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}`);
    for (const product of products) {
      const qualified = `${quoteIdentifier(database)}.${quoteIdentifier(product.table)}`;
      await run(admin, `Dropping ${database}.${product.table} before making it again`, `DROP TABLE IF EXISTS ${qualified}`);
    }
  }
  for (const entry of entries) {
    if (entry.rowPolicy) {
      const withPolicy = entry as DomainAnalystTable & { rowPolicy: RowPolicyView };
      await run(
        admin,
        `Dropping the row-policy view ${policyDatabase}.${entry.rowPolicy.view}`,
        `DROP TABLE IF EXISTS ${quoteIdentifier(policyDatabase)}.${quoteIdentifier(entry.rowPolicy.view)}`,
      );
      await run(admin, `Creating the row-policy view of ${entry.table.productId} for ${entry.analyst.domain} (check the contract's filter)`, rowPolicyViewSql(withPolicy, names));
    }
    await run(admin, `Creating ${entry.analyst.database}.${entry.table.table}`, domainAnalystTableSql(entry, names));
    installed.push({ domain: entry.analyst.domain, table: `${entry.analyst.database}.${entry.table.table}`, filter: entry.rowPolicy?.filter });
  }
  return installed;
}
