import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../src/client';

// chDB has no users: the analyst path (the console's sample queries, the report's analyst queries) reads
// through the sink's own client with `SETTINGS readonly = 1` after the query. What that setting refuses, tried
// exactly that way on the embedded ClickHouse.
const chdbPath = mkdtempSync(join(tmpdir(), 'fieldmesh-analyst-readonly-'));
let warehouse: Warehouse;

beforeAll(async () => {
  warehouse = await openWarehouse({ chdbPath, database: 'fieldmesh' } as Parameters<typeof openWarehouse>[0]);
  await warehouse.client.command({ query: 'CREATE DATABASE IF NOT EXISTS fieldmesh' });
  await warehouse.client.command({ query: 'CREATE TABLE fieldmesh.readings (assetPath String, value Float64) ENGINE = MergeTree ORDER BY assetPath' });
  await warehouse.client.command({ query: "INSERT INTO fieldmesh.readings VALUES ('acme/berlin/line-1/pump-1', 1.5)" });
});

afterAll(async () => {
  await warehouse?.close();
  rmSync(chdbPath, { recursive: true, force: true });
});

it('refuses every write, schema change and escape on the read-only analyst path of chDB: 0 of N accepted', async () => {
  const readOnly = async (sql: string) => (await warehouse.client.query({ query: `${sql} SETTINGS readonly = 1`, format: 'JSONEachRow' })).json();
  await expect(readOnly('SELECT count() AS n FROM fieldmesh.readings')).resolves.toEqual([{ n: 1 }]);
  const attempts: Array<[string, string]> = [
    ['INSERT … SELECT into a product table', "INSERT INTO fieldmesh.readings SELECT 'x/y/z', 0"],
    ['ALTER a product table (delete rows)', 'ALTER TABLE fieldmesh.readings DELETE WHERE 1'],
    ['ALTER a product table (add a column)', 'ALTER TABLE fieldmesh.readings ADD COLUMN stolen String'],
    ['DROP a product table', 'DROP TABLE fieldmesh.readings'],
    ['TRUNCATE a product table', 'TRUNCATE TABLE fieldmesh.readings'],
    ['CREATE a table', 'CREATE TABLE fieldmesh.mine (x UInt8) ENGINE = Memory'],
    ['make the process fetch a URL (url())', "SELECT * FROM url('http://127.0.0.1:9/', CSV, 'x UInt8')"],
    ['read a local file (file())', "SELECT * FROM file('/etc/hostname', LineAsString)"],
    ['lift readonly in the query', 'SELECT 1 SETTINGS readonly = 0'],
  ];
  const outcomes = await Promise.all(
    attempts.map(async ([what, sql]) => {
      try {
        await readOnly(sql);
        return { what, accepted: true, answer: 'carried out' };
      } catch (error) {
        return { what, accepted: false, answer: (error instanceof Error ? error.message : String(error)).split('\n')[0] };
      }
    }),
  );
  const accepted = outcomes.filter((outcome) => outcome.accepted);
  console.log(
    [
      `ClickHouse attack matrix (chDB, readonly = 1): ${accepted.length} of ${outcomes.length} accepted`,
      ...outcomes.map((o) => `  ${o.accepted ? 'ACCEPTED' : 'refused '}  ${o.what} — ${o.answer}`),
    ].join('\n'),
  );
  expect(accepted.map((o) => o.what)).toEqual([]);
  // Nothing was written, altered or dropped.
  await expect(readOnly("SELECT count() AS n, groupArray(name) AS columns FROM system.columns WHERE database = 'fieldmesh' AND table = 'readings'")).resolves.toEqual([
    { n: 2, columns: ['assetPath', 'value'] },
  ]);
  await expect(readOnly('SELECT count() AS n FROM fieldmesh.readings')).resolves.toEqual([{ n: 1 }]);
}, 60_000);
