import { resolve } from 'node:path';
import type { LoadedContract } from '@fieldmesh/governance';
import { analystTableFor, installWarehouseAccess, planTable, type InstalledWarehouseAccess } from '@fieldmesh/warehouse';
import type { CliIo, ParsedArgs } from './cli.command';
import type { Warehouse } from './warehouse.connection';

export const WAREHOUSE_ACCESS_OPTIONS = {
  'clickhouse-config-dir': { type: 'string' },
  'clickhouse-secrets-dir': { type: 'string' },
} as const;

export const WAREHOUSE_ACCESS_HELP = `Warehouse access (ClickHouse 18.16, through users.d; needs the server's config folder on this machine):
  --clickhouse-config-dir <dir>   the folder of the server's config.xml and users.xml (env FIELDMESH_CLICKHOUSE_CONFIG_DIR)
  --clickhouse-secrets-dir <dir>  where the users' password files are (default <config-dir>/secrets)
  With both a ClickHouse URL and a config folder, installs: the analyst user fieldmesh_analyst (readonly,
  reads only the database fieldmesh_analyst: one table per product without its personal columns), the
  sink user fieldmesh_sink (only the database fieldmesh) and an internal gateway user. Passwords are made
  once into <secrets-dir>/<user>.password (0600) and never printed. The server reloads users.d by itself.`;

/** The server's config folder named by --clickhouse-config-dir or FIELDMESH_CLICKHOUSE_CONFIG_DIR, if any. */
export function clickhouseConfigDirOf(args: ParsedArgs, io: CliIo): string | undefined {
  const given = args.values['clickhouse-config-dir'] ?? io.env.FIELDMESH_CLICKHOUSE_CONFIG_DIR;
  return typeof given === 'string' && given !== '' ? resolve(io.cwd, given) : undefined;
}

/** Installs analyst and sink access for the products whose tables were applied. */
export async function applyWarehouseAccess(
  warehouse: Warehouse,
  contracts: readonly LoadedContract[],
  args: ParsedArgs,
  io: CliIo,
  configDir: string,
): Promise<InstalledWarehouseAccess> {
  const tables = contracts.map((loaded) => analystTableFor(planTable(loaded, warehouse.capabilities, { database: warehouse.database }), loaded));
  const secretsDir = args.values['clickhouse-secrets-dir'];
  return installWarehouseAccess(warehouse.client, tables, {
    url: warehouse.url,
    configDir,
    ...(typeof secretsDir === 'string' ? { secretsDir: resolve(io.cwd, secretsDir) } : {}),
    names: { productDatabase: warehouse.database },
  });
}

/** What `products apply` prints about access: who may do what, and where each password is. */
export function describeWarehouseAccess(access: InstalledWarehouseAccess): string[] {
  const { names } = access;
  return [
    `warehouse access: analyst ${names.analystUser} (readonly, database ${names.analystDatabase}; password file ${access.passwordFiles.analyst}) · ` +
      `sink ${names.sinkUser} (database ${names.productDatabase}; password file ${access.passwordFiles.sink}) · ${access.usersFile}`,
    ...access.tables.map((t) => `  analyst table ${t.table} ${t.action}${t.withheldColumns.length > 0 ? ` (personal columns withheld: ${t.withheldColumns.join(', ')})` : ''}`),
  ];
}
