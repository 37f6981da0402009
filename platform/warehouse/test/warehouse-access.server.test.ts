import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { loadContract } from '@fieldmesh/governance';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  analystTableFor,
  dropExpiredPartitions,
  domainAnalystFor,
  domainAnalystTablesFor,
  installWarehouseAccess,
  rowPolicyDatabaseOf,
  planTable,
  probeCapabilities,
  provisionOffsetLedger,
  provisionTable,
  type InstalledWarehouseAccess,
  type TablePlan,
  type WarehouseAccessNames,
} from '../src/index';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const raw = loadContract(join(root, 'contracts/plant-telemetry/raw.yaml'), root);
// The raw product as a contract that asks for a row policy: energy analysts read its power readings only.
const rawWithPolicy = { ...raw, contract: { ...raw.contract, warehouse: { rowPolicies: [{ domain: 'energy', filter: "signal = 'power'" }] } } };
const energy = loadContract(join(root, 'contracts/energy/consumption-15m.yaml'), root);
const alerts = loadContract(join(root, 'contracts/asset-health/alerts.yaml'), root);

// Names of this run only, so that the test never touches a real install on a reused stack.
const run = `t${process.pid}`;
const names: WarehouseAccessNames = {
  productDatabase: `${run}_products`,
  analystDatabase: `${run}_analyst`,
  analystUser: `${run}_analyst`,
  sinkUser: `${run}_sink`,
  gatewayUser: `${run}_gateway`,
  gatewayCluster: `${run}_gateway`,
};
const url = inject('clickhouseUrl');
const configDir = join(inject('stackDir'), 'clickhouse');
const secretsDir = join(configDir, 'secrets', run);

/** One unauthorised attempt and what the server answered. */
interface Attempt {
  who: string;
  what: string;
  accepted: boolean;
  answer: string;
}

function clientAs(user: string, passwordFile: string): ClickHouseClient {
  // Refusals are what the test expects: the client need not log each one as an error.
  return createClient({ url, username: user, password: readFileSync(passwordFile, 'utf8').trim(), request_timeout: 10_000, log: { level: ClickHouseLogLevel.OFF } });
}

async function rowsOf<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

/** Runs `statement` and reports whether the server carried it out; its error text when not. */
async function attempt(client: ClickHouseClient, who: string, what: string, statement: string): Promise<Attempt> {
  try {
    if (/^\s*SELECT/i.test(statement)) await rowsOf(client, statement);
    else await client.command({ query: statement });
    return { who, what, accepted: true, answer: 'carried out' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { who, what, accepted: false, answer: /(Code: \d+)[^:]*DB::Exception: (.*?), e\.what/.exec(message)?.slice(1).join(' ') ?? message };
  }
}

describe('warehouse access on the ClickHouse 18.16 server (users.d)', () => {
  let admin: ClickHouseClient;
  let analyst: ClickHouseClient;
  let sink: ClickHouseClient;
  let installed: InstalledWarehouseAccess;
  let energyAnalyst: ClickHouseClient;
  let rawPlan: TablePlan;
  let energyPlan: TablePlan;
  const energyNames = domainAnalystFor('energy', names);

  beforeAll(async () => {
    admin = createClient({ url, username: inject('clickhouseUser'), password: inject('clickhousePassword') });
    const capabilities = await probeCapabilities(admin);
    rawPlan = planTable(raw, capabilities, { database: names.productDatabase });
    energyPlan = planTable(energy, capabilities, { database: names.productDatabase });
    for (const plan of [rawPlan, energyPlan]) await provisionTable(admin, plan);
    // A table outside the products, such as the sink's offset ledger: nothing grants it to analysts.
    await admin.command({ query: `CREATE TABLE ${names.productDatabase}._ledger (x UInt8) ENGINE = TinyLog` });
    const products = [
      { loaded: rawWithPolicy, table: analystTableFor(rawPlan, rawWithPolicy) },
      { loaded: energy, table: analystTableFor(energyPlan, energy) },
    ];
    installed = await installWarehouseAccess(
      admin,
      products.map((p) => p.table),
      { url, configDir, secretsDir, names },
      domainAnalystTablesFor(products, names),
    );
    analyst = clientAs(names.analystUser, installed.passwordFiles.analyst);
    sink = clientAs(names.sinkUser, installed.passwordFiles.sink);
    energyAnalyst = clientAs(energyNames.user, installed.domainAnalysts.find((d) => d.domain === 'energy')!.passwordFile);
  });

  afterAll(async () => {
    await analyst?.close();
    await sink?.close();
    await energyAnalyst?.close();
    if (admin) {
      for (const database of [names.analystDatabase, energyNames.database, rowPolicyDatabaseOf(names), names.productDatabase]) {
        await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      }
      await admin.close();
    }
    if (installed) for (const file of [installed.usersFile, installed.clusterFile]) rmSync(file, { force: true });
    rmSync(secretsDir, { recursive: true, force: true });
  });

  it('keeps passwords in owner-only files and only their SHA-256 in users.d', () => {
    for (const file of [installed.passwordFiles.analyst, installed.passwordFiles.sink, installed.usersFile, installed.clusterFile]) {
      expect(statSync(file).mode & 0o077, file).toBe(0);
    }
    const users = readFileSync(installed.usersFile, 'utf8');
    expect(users).not.toContain(readFileSync(installed.passwordFiles.analyst, 'utf8').trim());
    expect(users).not.toContain(readFileSync(installed.passwordFiles.sink, 'utf8').trim());
  });

  it('lets the sink user insert into a product table, and the analyst read the rows without their personal column', async () => {
    await sink.insert({
      table: `${names.productDatabase}.${rawPlan.table}`,
      values: [
        {
          readingTime: '2026-12-07 10:00:00',
          receivedTime: '2026-12-07 10:00:01',
          assetPath: 'site/area/line/pump-1',
          signal: 'flow',
          operatorBadge: 'pseudonym-7f3a',
          _offset: 1,
        },
        {
          readingTime: '2026-12-07 10:00:00',
          receivedTime: '2026-12-07 10:00:01',
          assetPath: 'site/area/line/pump-1',
          signal: 'power',
          operatorBadge: 'pseudonym-7f3a',
          _offset: 2,
        },
      ],
      format: 'JSONEachRow',
    });
    const rows = await rowsOf<Record<string, unknown>>(analyst, `SELECT * FROM ${names.analystDatabase}.${rawPlan.table} ORDER BY _offset`);
    expect(rows.map((r) => r.signal)).toEqual(['flow', 'power']);
    expect(rows[0]).toMatchObject({ assetPath: 'site/area/line/pump-1', signal: 'flow' });
    expect(Object.keys(rows[0]!)).not.toContain('operatorBadge');
    expect(installed.tables.find((t) => t.productId === 'plant-telemetry.raw')?.withheldColumns).toEqual(['operatorBadge']);
  });

  it("lets the energy analyst read only the rows the contract's row policy grants energy, and the unpoliced product whole", async () => {
    const rows = await rowsOf<Record<string, unknown>>(energyAnalyst, `SELECT * FROM ${energyNames.database}.${rawPlan.table}`);
    expect(rows.map((r) => r.signal)).toEqual(['power']);
    expect(Object.keys(rows[0]!)).not.toContain('operatorBadge');
    await expect(rowsOf(energyAnalyst, `SELECT count() AS n FROM ${energyNames.database}.energy_consumption_15m_v1`)).resolves.toEqual([{ n: '0' }]);
    expect(installed.domainTables).toEqual([
      { domain: 'energy', table: `${energyNames.database}.${rawPlan.table}`, filter: "signal = 'power'" },
      { domain: 'energy', table: `${energyNames.database}.energy_consumption_15m_v1`, filter: undefined },
    ]);
  });

  it('lets the analyst read every granted product table', async () => {
    const tables = await rowsOf<{ name: string }>(analyst, `SELECT name FROM system.tables WHERE database = '${names.analystDatabase}' ORDER BY name`);
    expect(tables.map((t) => t.name)).toEqual(['energy_consumption_15m_v1', 'plant_telemetry_raw_v1']);
    await expect(rowsOf(analyst, `SELECT count() AS n FROM ${names.analystDatabase}.energy_consumption_15m_v1`)).resolves.toEqual([{ n: '0' }]);
  });

  it('refuses every write, schema change, ungranted read and escape the analyst and the sink try: 0 of N accepted', async () => {
    const a = names.analystDatabase;
    const p = names.productDatabase;
    const t = rawPlan.table;
    const attempts: Attempt[] = [];
    const analystTries = (what: string, sql: string) => attempt(analyst, 'analyst', what, sql).then((r) => attempts.push(r));
    await analystTries('INSERT into its product table', `INSERT INTO ${a}.${t} (assetPath, signal) VALUES ('x/y/z', 'flow')`);
    await analystTries('INSERT into the product table', `INSERT INTO ${p}.${t} (assetPath, signal) VALUES ('x/y/z', 'flow')`);
    await analystTries('ALTER its product table (add a column)', `ALTER TABLE ${a}.${t} ADD COLUMN stolen String`);
    await analystTries('ALTER the product table (drop a partition)', `ALTER TABLE ${p}.${t} DROP PARTITION 20261207`);
    await analystTries('DROP its product table', `DROP TABLE ${a}.${t}`);
    await analystTries('DROP the product table', `DROP TABLE ${p}.${t}`);
    await analystTries('CREATE a table', `CREATE TABLE ${a}.mine (x UInt8) ENGINE = Memory`);
    await analystTries('read the product table itself (not granted)', `SELECT * FROM ${p}.${t}`);
    await analystTries('read the offset ledger (not granted)', `SELECT * FROM ${p}._ledger`);
    await analystTries('read a personal column', `SELECT operatorBadge FROM ${a}.${t}`);
    await analystTries('read through remote() as itself', `SELECT * FROM remote('127.0.0.1', ${p}, ${t})`);
    await analystTries('make the server fetch a URL (url())', `SELECT * FROM url('${url}/?query=SELECT%201', CSV, 'x UInt8')`);
    await analystTries('read in-process (prefer_localhost_replica = 1)', `SELECT count() FROM ${a}.${t} SETTINGS prefer_localhost_replica = 1`);
    await analystTries('lift readonly', `SELECT 1 SETTINGS readonly = 0`);
    const sinkTries = (what: string, sql: string) => attempt(sink, 'sink', what, sql).then((r) => attempts.push(r));
    await sinkTries('read the analyst database', `SELECT * FROM ${a}.${t}`);
    await sinkTries('DROP an analyst table', `DROP TABLE ${a}.${t}`);
    await sinkTries('DROP a product table', `DROP TABLE ${p}.${t}`);
    await sinkTries('TRUNCATE a product table', `TRUNCATE TABLE ${p}.${t}`);
    await sinkTries('ALTER a product table (drop a partition)', `ALTER TABLE ${p}.${t} DROP PARTITION 20261207`);
    await sinkTries('ALTER a product table (add a column)', `ALTER TABLE ${p}.${t} ADD COLUMN stolen String`);
    await sinkTries('ALTER a product table (delete rows)', `ALTER TABLE ${p}.${t} DELETE WHERE 1`);
    await sinkTries('RENAME a product table', `RENAME TABLE ${p}.${t} TO ${p}.${t}_moved`);
    await sinkTries('CREATE a table in the product database', `CREATE TABLE ${p}.mine (x UInt8) ENGINE = Memory`);
    await sinkTries('DROP its offset ledger', `DROP TABLE ${p}._fieldmesh_sink_offsets`);
    const energyTries = (what: string, sql: string) => attempt(energyAnalyst, 'energy analyst', what, sql).then((r) => attempts.push(r));
    await energyTries('read every row (the platform analyst table)', `SELECT * FROM ${a}.${t}`);
    await energyTries('read the row-policy view itself', `SELECT * FROM ${rowPolicyDatabaseOf(names)}.${t}__energy`);
    await energyTries('read the product table itself', `SELECT * FROM ${p}.${t}`);
    await energyTries('INSERT into its table', `INSERT INTO ${energyNames.database}.${t} (assetPath, signal) VALUES ('x/y/z', 'flow')`);
    await sinkTries('write the default database', `CREATE TABLE default.${run}_sink_was_here (x UInt8) ENGINE = Memory`);

    // No credentials: the client logs in as `default` with an empty password, which the stack locks.
    const anonymous = createClient({ url, log: { level: ClickHouseLogLevel.OFF } });
    try {
      attempts.push(await attempt(anonymous, 'anonymous', 'read a product table without credentials', `SELECT * FROM ${p}.${t}`));
      attempts.push(await attempt(anonymous, 'anonymous', 'read an analyst table without credentials', `SELECT * FROM ${a}.${t}`));
    } finally {
      await anonymous.close();
    }
    const accepted = attempts.filter((x) => x.accepted);
    console.log(
      [
        `ClickHouse attack matrix (18.16, users.d): ${accepted.length} of ${attempts.length} accepted`,
        ...attempts.map((x) => `  ${x.accepted ? 'ACCEPTED' : 'refused '}  ${x.who}: ${x.what} — ${x.answer}`),
      ].join('\n'),
    );
    expect(accepted.map((x) => `${x.who}: ${x.what}`)).toEqual([]);
    expect(attempts).toHaveLength(31);
    // Still there after the attempts: nothing was dropped.
    await expect(rowsOf(analyst, `SELECT count() AS n FROM ${a}.${t}`)).resolves.toEqual([{ n: '2' }]);
  });

  it('applies again without new passwords or recreated tables, and revokes what the contracts no longer grant', async () => {
    const passwords = readFileSync(installed.passwordFiles.analyst, 'utf8');
    const again = await installWarehouseAccess(admin, [analystTableFor(rawPlan, raw)], { url, configDir, secretsDir, names });
    expect(again.tables.map((t) => t.action)).toEqual(['unchanged']);
    expect(readFileSync(installed.passwordFiles.analyst, 'utf8')).toBe(passwords);
    expect(existsSync(installed.usersFile)).toBe(true);
    await expect(rowsOf(analyst, `SELECT count() AS n FROM ${names.analystDatabase}.${rawPlan.table}`)).resolves.toEqual([{ n: '2' }]);
    // The contract applied now has no row policy: the energy analyst's database is gone with it.
    await expect(rowsOf(admin, `SELECT count() AS n FROM system.databases WHERE name = '${energyNames.database}'`)).resolves.toEqual([{ n: '0' }]);
  });

  it('lets the sink user start on the tables and ledger the admin made, and insert; creating a missing table or dropping expired partitions is the admin’s', async () => {
    const alertsPlan = planTable(alerts, await probeCapabilities(sink), { database: names.productDatabase });
    await expect(provisionTable(sink, rawPlan)).resolves.toMatchObject({ drift: [] });
    await expect(provisionOffsetLedger(sink, names.productDatabase)).resolves.toBe(`\`${names.productDatabase}\`.\`_fieldmesh_sink_offsets\``);
    await expect(provisionTable(sink, alertsPlan)).rejects.toThrow(/DDL queries are prohibited/);
    await expect(provisionTable(admin, alertsPlan)).resolves.toMatchObject({ drift: [] });
    await sink.insert({
      table: `${names.productDatabase}.${energyPlan.table}`,
      values: [{ windowStart: '2020-01-01 00:00:00', windowEnd: '2020-01-01 00:15:00', scopePath: 'acme/berlin' }],
      format: 'JSONEachRow',
    });
    await expect(dropExpiredPartitions(sink, energyPlan)).rejects.toThrow(/DDL queries are prohibited/);
    expect((await dropExpiredPartitions(admin, energyPlan)).length).toBe(1);
    await expect(rowsOf(admin, `SELECT count() AS n FROM ${names.productDatabase}.${energyPlan.table}`)).resolves.toEqual([{ n: '0' }]);
  });
});
