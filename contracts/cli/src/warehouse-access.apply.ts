import { resolve } from 'node:path';
import { loadContract, type LoadedContract } from '@fieldmesh/governance';
import { analystTableFor, DEFAULT_ACCESS_NAMES, domainAnalystTablesFor, installWarehouseAccess, planTable, type InstalledWarehouseAccess } from '@fieldmesh/warehouse';
import type { CliIo, ParsedArgs } from './cli.command';
import { rootOf } from './connection.options';
import { contractFiles } from './contracts.selection';
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
  sink user fieldmesh_sink (only the database fieldmesh) and an internal gateway user; for each domain a
  contract's warehouse.rowPolicies names, fieldmesh_analyst_<domain> (database fieldmesh_analyst_<domain>:
  the products without row policies, and the rows of those whose policies name the domain). Access is
  always derived from every contract under --root, also with --contract. Passwords are made
  once into <secrets-dir>/<user>.password (0600) and never printed. The server reloads users.d by itself.`;

/** The server's config folder named by --clickhouse-config-dir or FIELDMESH_CLICKHOUSE_CONFIG_DIR, if any. */
export function clickhouseConfigDirOf(args: ParsedArgs, io: CliIo): string | undefined {
  const given = args.values['clickhouse-config-dir'] ?? io.env.FIELDMESH_CLICKHOUSE_CONFIG_DIR;
  return typeof given === 'string' && given !== '' ? resolve(io.cwd, given) : undefined;
}

/**
 * The contracts access is derived from: those applied now and every other one under the root, so that
 * applying one contract never revokes what the others grant.
 */
async function accessContracts(applied: readonly LoadedContract[], args: ParsedArgs, io: CliIo): Promise<LoadedContract[]> {
  const root = rootOf(args, io);
  const byId = new Map(applied.map((loaded) => [loaded.contract.id, loaded]));
  for (const file of await contractFiles(root)) {
    const loaded = loadContract(file, root);
    if (!byId.has(loaded.contract.id)) byId.set(loaded.contract.id, loaded);
  }
  return [...byId.values()];
}

/** Installs analyst, domain analyst and sink access from the contracts. */
export async function applyWarehouseAccess(
  warehouse: Warehouse,
  applied: readonly LoadedContract[],
  args: ParsedArgs,
  io: CliIo,
  configDir: string,
): Promise<InstalledWarehouseAccess> {
  const names = { ...DEFAULT_ACCESS_NAMES, productDatabase: warehouse.database };
  const products = (await accessContracts(applied, args, io)).map((loaded) => ({
    loaded,
    table: analystTableFor(planTable(loaded, warehouse.capabilities, { database: warehouse.database }), loaded),
  }));
  const secretsDir = args.values['clickhouse-secrets-dir'];
  return installWarehouseAccess(
    warehouse.client,
    products.map((p) => p.table),
    { url: warehouse.url, configDir, ...(typeof secretsDir === 'string' ? { secretsDir: resolve(io.cwd, secretsDir) } : {}), names },
    domainAnalystTablesFor(products, names),
  );
}

/** What `products apply` prints about access: who may do what, and where each password is. */
export function describeWarehouseAccess(access: InstalledWarehouseAccess): string[] {
  const { names } = access;
  return [
    `warehouse access: analyst ${names.analystUser} (readonly, database ${names.analystDatabase}; password file ${access.passwordFiles.analyst}) · ` +
      `sink ${names.sinkUser} (database ${names.productDatabase}; password file ${access.passwordFiles.sink}) · ${access.usersFile}`,
    ...access.tables.map((t) => `  analyst table ${t.table} ${t.action}${t.withheldColumns.length > 0 ? ` (personal columns withheld: ${t.withheldColumns.join(', ')})` : ''}`),
    ...access.domainAnalysts.map((d) => `  domain analyst ${d.user} (readonly, database ${d.database}; password file ${d.passwordFile})`),
    ...access.domainTables.filter((t) => t.filter !== undefined).map((t) => `  row policy: ${t.domain} analysts read ${t.table} where ${t.filter}`),
  ];
}
