import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { TableCheck } from '@fieldmesh/governance';
import { describeTable, planTable, probeCapabilities, tableDrift, type ServerCapabilities, type TableDrift } from '@fieldmesh/warehouse';
import { z } from 'zod';
import { UsageError, type CliIo, type ParsedArgs } from './cli.command';

/** Options of the commands that also reach the ClickHouse tables. */
export const WAREHOUSE_OPTIONS = {
  clickhouse: { type: 'string' },
  'clickhouse-user': { type: 'string' },
  'clickhouse-password': { type: 'string' },
  'clickhouse-password-file': { type: 'string' },
  database: { type: 'string' },
} as const;

export const WAREHOUSE_HELP = `Warehouse (optional; without a URL the tables are left out):
  --clickhouse <url>             ClickHouse server, e.g. http://127.0.0.1:8123 (env FIELDMESH_CLICKHOUSE_URL)
  --clickhouse-user <name>       (env FIELDMESH_CLICKHOUSE_USER, default 'default')
  --clickhouse-password-file <file>  a file holding the password (env FIELDMESH_CLICKHOUSE_PASSWORD_FILE);
                                 preferred to --clickhouse-password, which other users can see in the process list
  --clickhouse-password <secret> (env FIELDMESH_CLICKHOUSE_PASSWORD, default empty)
  --database <name>              the products' database (default fieldmesh)`;

export interface Warehouse {
  url: string;
  client: ClickHouseClient;
  database: string;
  capabilities: ServerCapabilities;
}

const url = z.url({ error: 'must be the ClickHouse HTTP URL, e.g. http://127.0.0.1:8123 (--clickhouse or FIELDMESH_CLICKHOUSE_URL)' });

/** The password from --clickhouse-password-file or FIELDMESH_CLICKHOUSE_PASSWORD_FILE, else the plain option or variable. */
function passwordOf(args: ParsedArgs, io: CliIo): string {
  const file = args.values['clickhouse-password-file'] ?? io.env.FIELDMESH_CLICKHOUSE_PASSWORD_FILE;
  if (typeof file === 'string' && file !== '') {
    try {
      return readFileSync(resolve(io.cwd, file), 'utf8').trim();
    } catch (error) {
      throw new UsageError(`Invalid warehouse settings:\n  - clickhouse-password-file: cannot read ${file} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return String(args.values['clickhouse-password'] ?? io.env.FIELDMESH_CLICKHOUSE_PASSWORD ?? '');
}

/** The ClickHouse server named by --clickhouse or FIELDMESH_CLICKHOUSE_URL, or undefined when none is. */
export async function warehouseOf(args: ParsedArgs, io: CliIo): Promise<Warehouse | undefined> {
  const given = args.values.clickhouse ?? io.env.FIELDMESH_CLICKHOUSE_URL;
  if (given === undefined || given === '') return undefined;
  const parsed = url.safeParse(given);
  if (!parsed.success) throw new UsageError(`Invalid warehouse settings:\n  - clickhouse: ${parsed.error.issues[0]?.message}`);
  const client = createClient({
    url: parsed.data,
    username: String(args.values['clickhouse-user'] ?? io.env.FIELDMESH_CLICKHOUSE_USER ?? 'default'),
    password: passwordOf(args, io),
  });
  try {
    return { url: parsed.data, client, database: typeof args.values.database === 'string' ? args.values.database : 'fieldmesh', capabilities: await probeCapabilities(client) };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** Column names are the subject of column-level differences; the others concern the whole table. */
function fieldOf(drift: TableDrift): string {
  if (drift.kind === 'table-missing') return 'exists';
  return drift.kind.startsWith('column-') ? `${drift.kind} ${drift.subject}` : drift.kind;
}

/**
 * The governance table check through platform/warehouse: the table the contract implies on this server
 * (columns and types, engine, keys, TTL or dropped partitions on servers without TTL) against the table
 * as it is. A column beyond the contract only warns: it breaks no reader.
 */
export function warehouseTableCheck(warehouse: Warehouse): TableCheck {
  return async (loaded) => {
    const plan = planTable(loaded, warehouse.capabilities, { database: warehouse.database });
    const actual = await describeTable(warehouse.client, plan.database, plan.table);
    return tableDrift(plan, actual).map((drift) => ({
      field: fieldOf(drift),
      expected: drift.kind === 'table-missing' ? `${plan.database}.${plan.table}` : drift.expected,
      actual: drift.actual,
      severity: drift.kind === 'column-extra' ? 'warning' : 'error',
    }));
  };
}
