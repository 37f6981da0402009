import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { loadContract } from '@fieldmesh/governance';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  analystTableFor,
  installWarehouseAccess,
  planTable,
  probeCapabilities,
  provisionTable,
  type InstalledWarehouseAccess,
  type TablePlan,
  type WarehouseAccessNames,
} from '../src/index';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const raw = loadContract(join(root, 'contracts/plant-telemetry/raw.yaml'), root);
const energy = loadContract(join(root, 'contracts/energy/consumption-15m.yaml'), root);

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
  let rawPlan: TablePlan;

  beforeAll(async () => {
    admin = createClient({ url, username: inject('clickhouseUser'), password: inject('clickhousePassword') });
    const capabilities = await probeCapabilities(admin);
    rawPlan = planTable(raw, capabilities, { database: names.productDatabase });
    const energyPlan = planTable(energy, capabilities, { database: names.productDatabase });
    for (const plan of [rawPlan, energyPlan]) await provisionTable(admin, plan);
    // A table outside the products, such as the sink's offset ledger: nothing grants it to analysts.
    await admin.command({ query: `CREATE TABLE ${names.productDatabase}._ledger (x UInt8) ENGINE = TinyLog` });
    installed = await installWarehouseAccess(admin, [analystTableFor(rawPlan, raw), analystTableFor(energyPlan, energy)], { url, configDir, secretsDir, names });
    analyst = clientAs(names.analystUser, installed.passwordFiles.analyst);
    sink = clientAs(names.sinkUser, installed.passwordFiles.sink);
  });

  afterAll(async () => {
    await analyst?.close();
    await sink?.close();
    if (admin) {
      await admin.command({ query: `DROP DATABASE IF EXISTS ${names.analystDatabase}` });
      await admin.command({ query: `DROP DATABASE IF EXISTS ${names.productDatabase}` });
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

  it('lets the sink user insert into a product table, and the analyst read the row without its personal column', async () => {
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
      ],
      format: 'JSONEachRow',
    });
    const rows = await rowsOf<Record<string, unknown>>(analyst, `SELECT * FROM ${names.analystDatabase}.${rawPlan.table}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ assetPath: 'site/area/line/pump-1', signal: 'flow' });
    expect(Object.keys(rows[0]!)).not.toContain('operatorBadge');
    expect(installed.tables.find((t) => t.productId === 'plant-telemetry.raw')?.withheldColumns).toEqual(['operatorBadge']);
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
    await analystTries('read in-process (prefer_localhost_replica = 1)', `SELECT count() FROM ${a}.${t} SETTINGS prefer_localhost_replica = 1`);
    await analystTries('lift readonly', `SELECT 1 SETTINGS readonly = 0`);
    const sinkTries = (what: string, sql: string) => attempt(sink, 'sink', what, sql).then((r) => attempts.push(r));
    await sinkTries('read the analyst database', `SELECT * FROM ${a}.${t}`);
    await sinkTries('DROP an analyst table', `DROP TABLE ${a}.${t}`);
    await sinkTries('write the default database', `CREATE TABLE default.${run}_sink_was_here (x UInt8) ENGINE = Memory`);

    const accepted = attempts.filter((x) => x.accepted);
    console.log(
      [
        `ClickHouse attack matrix (18.16, users.d): ${accepted.length} of ${attempts.length} accepted`,
        ...attempts.map((x) => `  ${x.accepted ? 'ACCEPTED' : 'refused '}  ${x.who}: ${x.what} — ${x.answer}`),
      ].join('\n'),
    );
    expect(accepted.map((x) => `${x.who}: ${x.what}`)).toEqual([]);
    expect(attempts).toHaveLength(16);
    // Still there after the attempts: nothing was dropped.
    await expect(rowsOf(analyst, `SELECT count() AS n FROM ${a}.${t}`)).resolves.toEqual([{ n: '1' }]);
  });

  it('applies again without new passwords or recreated tables', async () => {
    const passwords = readFileSync(installed.passwordFiles.analyst, 'utf8');
    const again = await installWarehouseAccess(admin, [analystTableFor(rawPlan, raw)], { url, configDir, secretsDir, names });
    expect(again.tables.map((t) => t.action)).toEqual(['unchanged']);
    expect(readFileSync(installed.passwordFiles.analyst, 'utf8')).toBe(passwords);
    expect(existsSync(installed.usersFile)).toBe(true);
    await expect(rowsOf(analyst, `SELECT count() AS n FROM ${names.analystDatabase}.${rawPlan.table}`)).resolves.toEqual([{ n: '1' }]);
  });
});
