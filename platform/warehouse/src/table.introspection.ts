import type { ClickHouseClient } from '@clickhouse/client';
import type { TablePlan } from './table.plan';

/** A table as the server reports it (`system.tables`, `system.columns`). */
export interface TableDescription {
  database: string;
  table: string;
  engine: string;
  partitionKey: string;
  sortingKey: string;
  /** The TTL clause of `engine_full`, or undefined when the table has none. */
  ttl: string | undefined;
  /** Days of a `+ INTERVAL n DAY` / `toIntervalDay(n)` TTL, when the TTL has that shape. */
  ttlDays: number | undefined;
  columns: Array<{ name: string; type: string }>;
}

export type DriftKind = 'table-missing' | 'column-missing' | 'column-extra' | 'column-type' | 'engine' | 'sorting-key' | 'partition-key' | 'ttl';

/** One difference between what a contract implies and what the table is. */
export interface TableDrift {
  kind: DriftKind;
  /** The column, or the table for table-level differences. */
  subject: string;
  expected: string;
  actual: string;
}

async function rows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown>): Promise<T[]> {
  // Parameters as literals: 18.16 has no server-side query parameters. Values are identifiers we escape.
  const text = query.replace(/\{(\w+)\}/g, (_, name: string) => `'${String(params[name]).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
  const result = await client.query({ query: text, format: 'JSONEachRow' });
  return result.json<T>();
}

/** Reads a table's engine, keys, TTL and columns; undefined when the table does not exist. */
export async function describeTable(client: ClickHouseClient, database: string, table: string): Promise<TableDescription | undefined> {
  const [info] = await rows<{ engine: string; partition_key: string; sorting_key: string; engine_full: string }>(
    client,
    'SELECT engine, partition_key, sorting_key, engine_full FROM system.tables WHERE database = {database} AND name = {table}',
    { database, table },
  );
  if (!info) return undefined;
  // Rows come in table order; 18.16's system.columns has no `position` to sort by.
  const columns = await rows<{ name: string; type: string }>(client, 'SELECT name, type FROM system.columns WHERE database = {database} AND table = {table}', { database, table });
  const ttl = /\bTTL (.+?)(?: SETTINGS |$)/.exec(info.engine_full)?.[1];
  const days = ttl ? /toIntervalDay\((\d+)\)|INTERVAL (\d+) DAY/i.exec(ttl) : null;
  return {
    database,
    table,
    engine: info.engine,
    partitionKey: info.partition_key,
    sortingKey: info.sorting_key,
    ttl,
    ttlDays: days ? Number(days[1] ?? days[2]) : undefined,
    columns,
  };
}

/** Spaces and backticks differ between what we write and what servers echo back; meaning does not. */
const normalise = (text: string) => text.replace(/[`\s]/g, '');

/**
 * The differences between a plan (what the contract implies on this server) and the table as it is.
 * Empty means no drift. Retention is compared as the TTL's days; on a server without TTL, a TTL-less
 * table is expected (retention is by dropped partitions).
 */
export function tableDrift(plan: TablePlan, actual: TableDescription | undefined): TableDrift[] {
  const name = `${plan.database}.${plan.table}`;
  if (!actual) return [{ kind: 'table-missing', subject: name, expected: 'table exists', actual: 'no such table' }];
  const drift: TableDrift[] = [];
  const actualColumns = new Map(actual.columns.map((c) => [c.name, c.type]));
  for (const column of plan.columns) {
    const type = actualColumns.get(column.name);
    if (type === undefined) drift.push({ kind: 'column-missing', subject: column.name, expected: column.type, actual: 'missing' });
    else if (normalise(type) !== normalise(column.type)) drift.push({ kind: 'column-type', subject: column.name, expected: column.type, actual: type });
  }
  const planned = new Set(plan.columns.map((c) => c.name));
  for (const column of actual.columns) {
    if (!planned.has(column.name)) drift.push({ kind: 'column-extra', subject: column.name, expected: 'not in the contract', actual: column.type });
  }
  if (actual.engine !== plan.engine) drift.push({ kind: 'engine', subject: name, expected: plan.engine, actual: actual.engine });
  const sortingKey = plan.orderBy.join(', ');
  if (normalise(actual.sortingKey) !== normalise(sortingKey)) drift.push({ kind: 'sorting-key', subject: name, expected: sortingKey, actual: actual.sortingKey });
  if (normalise(actual.partitionKey) !== normalise(plan.partitionBy)) drift.push({ kind: 'partition-key', subject: name, expected: plan.partitionBy, actual: actual.partitionKey });
  const expectedTtl = plan.ttl ? `${plan.retentionDays} days` : 'none (retention by dropping partitions)';
  const actualTtl = actual.ttl === undefined ? 'none (retention by dropping partitions)' : actual.ttlDays !== undefined ? `${actual.ttlDays} days` : actual.ttl;
  if (expectedTtl !== actualTtl) drift.push({ kind: 'ttl', subject: name, expected: expectedTtl, actual: actualTtl });
  return drift;
}
