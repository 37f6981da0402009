import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { parseWith } from '@fieldmesh/config';
import { z } from 'zod';
import { WarehouseAccessConfigInvalid, WarehouseAccessNotLoaded, WarehouseStatementFailed } from './errors';
import { readOrCreateSecret, writePrivateFile } from './secret.file';
import { describeTable } from './table.introspection';
import { provisionOffsetLedger } from './offset.ledger';
import { quoteIdentifier } from './table.plan';
import { applyDomainAnalystTables, type InstalledDomainTable } from './row-policy.installer';
import { analystTableSql, DEFAULT_ACCESS_NAMES, rowPolicyDatabaseOf, type AnalystTable, type DomainAnalystTable, type WarehouseAccessNames } from './warehouse-access.plan';
import { gatewayClusterXml, warehouseUsersXml } from './warehouse-access.xml';

/** ClickHouse user, profile, cluster and database names become XML element names: keep them plain. */
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain ClickHouse name: letters, digits and _, not starting with a digit');

export const warehouseAccessSettingsSchema = z.strictObject({
  url: z.url().describe('HTTP URL of the ClickHouse server, to check that the new users can log in'),
  configDir: z.string().min(1).describe("The server's config folder: the one holding its config.xml and users.xml (users.d/ and config.d/ go beside them)"),
  secretsDir: z.string().min(1).optional().describe("Where each user's password file is (<user>.password, made when missing); default <configDir>/secrets"),
  tcpPort: z
    .number()
    .int()
    .min(1)
    .max(65_535)
    .optional()
    .describe("The server's native TCP port the gateway cluster connects to; default the <tcp_port> of <configDir>/config.xml"),
  analystNetworks: z.array(z.string().min(1)).default([]).describe('Where analysts may log in from (<ip> entries); default loopback'),
  sinkNetworks: z.array(z.string().min(1)).default([]).describe('Where the sink may log in from; default loopback'),
  names: z
    .strictObject({
      productDatabase: identifier.default(DEFAULT_ACCESS_NAMES.productDatabase),
      analystDatabase: identifier.default(DEFAULT_ACCESS_NAMES.analystDatabase),
      analystUser: identifier.default(DEFAULT_ACCESS_NAMES.analystUser),
      sinkUser: identifier.default(DEFAULT_ACCESS_NAMES.sinkUser),
      gatewayUser: identifier.default(DEFAULT_ACCESS_NAMES.gatewayUser),
      gatewayCluster: identifier.default(DEFAULT_ACCESS_NAMES.gatewayCluster),
    })
    .prefault({})
    .describe('User and database names; the defaults are fieldmesh, fieldmesh_analyst, fieldmesh_sink…'),
  reloadTimeoutMs: z.number().int().positive().default(30_000).describe('How long to wait for the server to load the new files'),
});

export type WarehouseAccessSettings = z.input<typeof warehouseAccessSettingsSchema>;

export interface InstalledWarehouseAccess {
  names: WarehouseAccessNames;
  usersFile: string;
  clusterFile: string;
  /** Password files by user: what the analysts' tools, the console and the sink read. */
  passwordFiles: { analyst: string; sink: string };
  /** Analysts of one domain each, from the contracts' row policies, with their password files. */
  domainAnalysts: Array<{ domain: string; user: string; database: string; passwordFile: string }>;
  domainTables: InstalledDomainTable[];
  tables: Array<{ productId: string; table: string; action: 'created' | 'recreated' | 'unchanged'; withheldColumns: string[] }>;
}

/** One file each in users.d and config.d per analyst database, so that two installs on one server never overwrite each other. */
export function accessFileName(names: Pick<WarehouseAccessNames, 'analystDatabase'>): string {
  return `fieldmesh-access.${names.analystDatabase}.xml`;
}

function tcpPortOf(configDir: string): number {
  const file = join(configDir, 'config.xml');
  const match = /<tcp_port>\s*(\d+)\s*<\/tcp_port>/.exec(readFileSync(file, 'utf8'));
  if (!match) throw new WarehouseAccessConfigInvalid([{ path: 'tcpPort', message: `${file} has no <tcp_port>: give the server's native port` }]);
  return Number(match[1]);
}

async function run(client: ClickHouseClient, operation: string, query: string): Promise<void> {
  try {
    await client.command({ query });
  } catch (cause) {
    throw new WarehouseStatementFailed(operation, query, { cause });
  }
}

/** Why `user` cannot use the server yet, or undefined once it can. */
async function loginProblem(url: string, user: string, password: string): Promise<string | undefined> {
  const client = createClient({ url, username: user, password, request_timeout: 5_000 });
  try {
    await client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then((r) => r.json());
    return undefined;
  } catch (error) {
    return `${user}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await client.close();
  }
}

async function clusterProblem(admin: ClickHouseClient, cluster: string): Promise<string | undefined> {
  const rows = await (await admin.query({ query: `SELECT count() AS n FROM system.clusters WHERE cluster = '${cluster}'`, format: 'JSONEachRow' })).json<{ n: string | number }>();
  return Number(rows[0]?.n ?? 0) > 0 ? undefined : `cluster ${cluster} not in system.clusters yet`;
}

/** Polls until the server has loaded the users and the gateway cluster (its config reloader checks every few seconds). */
async function awaitLoaded(
  admin: ClickHouseClient,
  settings: { url: string; configDir: string; reloadTimeoutMs: number },
  checks: Array<() => Promise<string | undefined>>,
): Promise<void> {
  const started = Date.now();
  let problem: string | undefined = 'not checked';
  while (Date.now() - started < settings.reloadTimeoutMs) {
    problem = undefined;
    for (const check of checks) problem ??= await check();
    if (problem === undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new WarehouseAccessNotLoaded(settings.configDir, settings.reloadTimeoutMs, problem ?? 'unknown');
}

const sameColumns = (a: Array<{ name: string; type: string }>, b: Array<{ name: string; type: string }>) =>
  a.length === b.length && a.every((column, i) => column.name === b[i]?.name && column.type === b[i]?.type);

/**
 * The analyst tables hold no data (they read through the gateway), so one whose columns no longer
 * match the contract is dropped and made again rather than altered.
 */
async function applyAnalystTable(admin: ClickHouseClient, names: WarehouseAccessNames, table: AnalystTable): Promise<'created' | 'recreated' | 'unchanged'> {
  const existing = await describeTable(admin, names.analystDatabase, table.table);
  if (existing && existing.engine === 'Distributed' && sameColumns(existing.columns, table.columns)) return 'unchanged';
  const qualified = `${quoteIdentifier(names.analystDatabase)}.${quoteIdentifier(table.table)}`;
  if (existing) await run(admin, `Dropping the outdated analyst table ${names.analystDatabase}.${table.table}`, `DROP TABLE ${qualified}`);
  await run(admin, `Creating the analyst table ${names.analystDatabase}.${table.table}`, analystTableSql(table, names));
  return existing ? 'recreated' : 'created';
}

/**
 * Installs warehouse access on a ClickHouse 18.16 server whose config folder this process can write:
 * users.d and config.d files, the sink's offset ledger, then one analyst table per product. `admin` must be
 * allowed DDL on the analyst and product databases. Safe to run again: passwords are kept, unchanged tables are left alone.
 */
export async function installWarehouseAccess(
  admin: ClickHouseClient,
  tables: readonly AnalystTable[],
  input: WarehouseAccessSettings,
  domainTables: readonly DomainAnalystTable[] = [],
): Promise<InstalledWarehouseAccess> {
  const parsed = parseWith(warehouseAccessSettingsSchema, input);
  if (!parsed.ok) throw new WarehouseAccessConfigInvalid(parsed.problems);
  const settings = parsed.value;
  const names: WarehouseAccessNames = settings.names;
  const secretsDir = settings.secretsDir ?? join(settings.configDir, 'secrets');
  const passwordFiles = { analyst: join(secretsDir, `${names.analystUser}.password`), sink: join(secretsDir, `${names.sinkUser}.password`) };
  const analystPassword = readOrCreateSecret(passwordFiles.analyst);
  const sinkPassword = readOrCreateSecret(passwordFiles.sink);
  const gatewayPassword = readOrCreateSecret(join(secretsDir, `${names.gatewayUser}.password`));
  const domainAnalysts = [...new Map(domainTables.map((e) => [e.analyst.user, e.analyst])).values()].map((analyst) => {
    const passwordFile = join(secretsDir, `${analyst.user}.password`);
    return { ...analyst, passwordFile, password: readOrCreateSecret(passwordFile) };
  });

  const clusterFile = join(settings.configDir, 'config.d', accessFileName(names));
  const usersFile = join(settings.configDir, 'users.d', accessFileName(names));
  writePrivateFile(clusterFile, gatewayClusterXml(names, { host: '127.0.0.1', tcpPort: settings.tcpPort ?? tcpPortOf(settings.configDir) }, gatewayPassword));
  writePrivateFile(
    usersFile,
    warehouseUsersXml({
      names,
      analyst: { password: analystPassword, networks: settings.analystNetworks },
      sink: { password: sinkPassword, networks: settings.sinkNetworks },
      gatewayPassword,
      domainAnalysts: domainAnalysts.map((d) => ({ user: d.user, database: d.database, credentials: { password: d.password, networks: settings.analystNetworks } })),
      ...(domainTables.some((e) => e.rowPolicy) ? { rowPolicyDatabase: rowPolicyDatabaseOf(names) } : {}),
    }),
  );
  await awaitLoaded(admin, settings, [
    () => clusterProblem(admin, names.gatewayCluster),
    () => loginProblem(settings.url, names.analystUser, analystPassword),
    () => loginProblem(settings.url, names.sinkUser, sinkPassword),
    () => loginProblem(settings.url, names.gatewayUser, gatewayPassword),
    ...domainAnalysts.map((d) => () => loginProblem(settings.url, d.user, d.password)),
  ]);

  // The sink's user may not run DDL: the admin makes its offset ledger, as it makes the product tables.
  await run(admin, `Creating the product database ${names.productDatabase}`, `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(names.productDatabase)}`);
  await provisionOffsetLedger(admin, names.productDatabase);
  await run(admin, `Creating the analyst database ${names.analystDatabase}`, `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(names.analystDatabase)}`);
  const installed: InstalledWarehouseAccess['tables'] = [];
  for (const table of tables) {
    installed.push({
      productId: table.productId,
      table: `${names.analystDatabase}.${table.table}`,
      action: await applyAnalystTable(admin, names, table),
      withheldColumns: table.withheldColumns,
    });
  }
  return {
    names,
    usersFile,
    clusterFile,
    passwordFiles,
    tables: installed,
    domainAnalysts: domainAnalysts.map(({ domain, user, database, passwordFile }) => ({ domain, user, database, passwordFile })),
    domainTables: await applyDomainAnalystTables(admin, names, domainTables, tables),
  };
}
