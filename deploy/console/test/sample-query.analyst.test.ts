import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { loadContract } from '@fieldmesh/governance';
import { openChdbClient, REPO_ROOT } from '@fieldmesh/testing';
import { analystTableFor, installWarehouseAccess, planTable, probeCapabilities, provisionTable, type InstalledWarehouseAccess } from '@fieldmesh/warehouse';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WarehouseAccess } from '../src/server/warehouse.access';

const raw = loadContract(join(REPO_ROOT, 'contracts/plant-telemetry/raw.yaml'), REPO_ROOT);
const run = `c${process.pid}`;
const names = {
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
const server = { url, username: inject('clickhouseUser'), password: inject('clickhousePassword') };

describe("the console's sample queries on the ClickHouse server", () => {
  let admin: ClickHouseClient;
  let installed: InstalledWarehouseAccess;
  let warehouse: WarehouseAccess;

  beforeAll(async () => {
    admin = createClient(server);
    const plan = planTable(raw, await probeCapabilities(admin), { database: names.productDatabase });
    await provisionTable(admin, plan);
    await admin.insert({
      table: `${names.productDatabase}.${plan.table}`,
      values: [{ readingTime: '2026-12-07 10:00:00', receivedTime: '2026-12-07 10:00:01', assetPath: 'site/area/line/pump-1', signal: 'flow', operatorBadge: 'pseudonym-7f3a' }],
      format: 'JSONEachRow',
    });
    installed = await installWarehouseAccess(admin, [analystTableFor(plan, raw)], { url, configDir, secretsDir, names });
    warehouse = await WarehouseAccess.open({
      ...server,
      database: names.productDatabase,
      analyst: { username: names.analystUser, passwordFile: installed.passwordFiles.analyst, database: names.analystDatabase },
    });
  });

  afterAll(async () => {
    await warehouse?.close();
    if (admin) {
      for (const database of [names.analystDatabase, names.productDatabase]) await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      await admin.close();
    }
    if (installed) for (const file of [installed.usersFile, installed.clusterFile]) rmSync(file, { force: true });
    rmSync(secretsDir, { recursive: true, force: true });
  });

  it('run as the analyst user, on its table, without the personal column', async () => {
    const plan = warehouse.samplePlanFor(raw);
    expect(plan.database).toBe(names.analystDatabase);
    const result = await warehouse.sampleTable(`SELECT * FROM ${plan.database}.${plan.table} ORDER BY readingTime DESC LIMIT 20`);
    expect(result.rows).toHaveLength(1);
    expect(result.columns.map((c) => c.name)).toContain('assetPath');
    expect(result.columns.map((c) => c.name)).not.toContain('operatorBadge');
  });

  it('cannot read the product table itself, which only the console and the sink may', async () => {
    await expect(warehouse.sampleTable(`SELECT * FROM ${names.productDatabase}.plant_telemetry_raw_v1`)).rejects.toThrow(
      new RegExp(`Access denied to database ${names.productDatabase} for user ${names.analystUser}`),
    );
  });

  it('without an analyst user, run read-only as the console', async () => {
    const console = await WarehouseAccess.open({ ...server, database: names.productDatabase });
    try {
      expect(console.samplePlanFor(raw).database).toBe(names.productDatabase);
      await expect(console.sampleTable(`SELECT * FROM ${names.productDatabase}.plant_telemetry_raw_v1`)).resolves.toMatchObject({ rows: [expect.any(Array)] });
      // What the query ran with: readonly = 1 on the query itself (18.16 has no getSetting()).
      await expect(console.sampleTable("SELECT value FROM system.settings WHERE name = 'readonly'")).resolves.toMatchObject({ rows: [['1']] });
    } finally {
      await console.close();
    }
  });
});

describe("the console's sample queries on chDB (no users there)", () => {
  it("run read-only through the query's SETTINGS clause, which leaves the client it shares with the sink writable", async () => {
    const chdb = await openChdbClient();
    try {
      const shared = await WarehouseAccess.open({ client: chdb.client, database: 'fieldmesh' });
      await expect(shared.sampleTable("SELECT getSetting('readonly') AS readonly")).resolves.toMatchObject({ rows: [[1]] });
      // A client setting would stay with chDB's session and refuse this: the sink's next insert.
      await chdb.client.command({ query: 'CREATE TABLE default.after_sample (x UInt8) ENGINE = Memory' });
      await chdb.client.insert({ table: 'default.after_sample', values: [{ x: 1 }], format: 'JSONEachRow' });
    } finally {
      await chdb.close();
    }
  });
});
