import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { distributedTableName } from '@fieldmesh/warehouse';

/** The documented example queries, `queries/*.sql` beside this package's src/. */
export const ANALYST_QUERIES_DIR = fileURLToPath(new URL('../queries/', import.meta.url));

export interface AnalystQuery {
  name: string;
  /** The file's leading `--` comment lines: what the query answers. */
  description: string;
  sql: string;
}

export interface AnalystQueryResult extends AnalystQuery {
  rows: Array<Record<string, unknown>>;
}

/**
 * Reads the example queries; `fieldmesh.` in them becomes the warehouse database. With `distributed` (a
 * cluster's warehouse) each `<database>.<table>` becomes its Distributed table `<table>_all`, which reads
 * every replica's shard as analysts do.
 */
export function loadAnalystQueries(database = 'fieldmesh', dir = ANALYST_QUERIES_DIR, distributed = false): AnalystQuery[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const description = text
        .split('\n')
        .filter((line) => line.startsWith('--'))
        .map((line) => line.replace(/^--\s?/, ''))
        .join(' ');
      const sql = text
        .split('\n')
        .filter((line) => !line.startsWith('--'))
        .join('\n')
        .trim()
        .replace(/;$/, '')
        .replace(/\bfieldmesh\.([A-Za-z_][A-Za-z0-9_]*)/g, (_, table: string) => `${database}.${distributed ? distributedTableName({ table }) : table}`);
      return { name: basename(file, '.sql'), description, sql };
    });
}

/**
 * Runs every example query and returns its rows, for the main job's report. Each runs with
 * `readonly = 1` in its own SETTINGS clause, so even through the sink's writing client a query can
 * only read (on a server, analysts connect as the read-only user instead).
 */
export async function runAnalystQueries(client: ClickHouseClient, options: { database?: string; distributed?: boolean } = {}): Promise<AnalystQueryResult[]> {
  const results: AnalystQueryResult[] = [];
  for (const query of loadAnalystQueries(options.database, ANALYST_QUERIES_DIR, options.distributed)) {
    if (!/^(SELECT|WITH)\b/i.test(query.sql)) throw new Error(`Analyst query ${query.name} must be a SELECT; example queries only read.`);
    const result = await client.query({
      query: `${query.sql}\nSETTINGS readonly = 1`,
      format: 'JSONEachRow',
      // Numbers as numbers on both backends (the server quotes 64-bit integers in JSON by default).
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    results.push({ ...query, rows: await result.json<Record<string, unknown>>() });
  }
  return results;
}
