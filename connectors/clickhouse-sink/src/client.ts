import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { probeCapabilities, qualifiedTableName, quoteIdentifier, structureOf, type ServerCapabilities, type TablePlan } from '@fieldmesh/warehouse';
import { createChdbConnection } from 'chdb/connection';
import { InsertFailed, WarehouseUnavailable } from './errors';
import type { ClickhouseSettings } from './config';

// chdb declares its connection against @clickhouse/client-common, while @clickhouse/client carries its
// own copy of those types: the same shape declared twice, which TypeScript will not equate.
type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

/** One ClickHouse, embedded or remote, behind the official client plus a binary insert. */
export interface Warehouse {
  backend: 'chdb' | 'server';
  client: ClickHouseClient;
  capabilities: ServerCapabilities;
  /** Inserts RowBinary rows in the plan's column order as one INSERT statement. */
  insertRowBinary(plan: TablePlan, rows: Buffer): Promise<void>;
  close(): Promise<void>;
}

const columnList = (plan: TablePlan) => plan.columns.map((c) => quoteIdentifier(c.name)).join(', ');

/**
 * The server takes RowBinary as the HTTP body of `INSERT … FORMAT RowBinary` (the client's `exec`; its
 * `insert` only encodes JSON and text formats).
 */
function serverInsert(client: ClickHouseClient) {
  return async (plan: TablePlan, rows: Buffer) => {
    const result = await client.exec({ query: `INSERT INTO ${qualifiedTableName(plan)} (${columnList(plan)}) FORMAT RowBinary`, values: Readable.from([rows]) });
    result.stream.resume();
  };
}

/**
 * chDB's connection turns an insert body into a UTF-8 string (binary bytes would be mangled) and its raw
 * insert takes text formats only, so the RowBinary block goes through a file that the same INSERT
 * reads with `file()`: still one statement, one block, no text encoding of the values.
 */
function chdbInsert(client: ClickHouseClient) {
  const dir = join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), `fieldmesh-sink-${process.pid}-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  const insert = async (plan: TablePlan, rows: Buffer) => {
    const file = join(dir, `${plan.table}.rowbinary`);
    writeFileSync(file, rows);
    try {
      await client.command({
        query: `INSERT INTO ${qualifiedTableName(plan)} (${columnList(plan)}) SELECT * FROM file('${file}', 'RowBinary', '${structureOf(plan.columns).replace(/'/g, "\\'")}')`,
      });
    } finally {
      rmSync(file, { force: true });
    }
  };
  return { insert, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens the server when `url` is set, else chDB at `chdbPath`; probes its version either way. */
export async function openWarehouse(settings: ClickhouseSettings): Promise<Warehouse> {
  const target = settings.url ?? `chDB at ${resolve(settings.chdbPath)}`;
  let client: ClickHouseClient | undefined;
  try {
    if (settings.url) {
      client = createClient({
        url: settings.url,
        username: settings.username,
        password: settings.password,
        request_timeout: 60_000,
        // Every failed request is thrown to the sink, which reports it once per reason (waiting, batch
        // delivered again); the client's own log would add a stack trace per retry while the server is down.
        log: { level: ClickHouseLogLevel.OFF },
      });
      const capabilities = await probeCapabilities(client);
      const opened = client;
      return {
        backend: 'server',
        client,
        capabilities,
        insertRowBinary: wrapInsert(serverInsert(client)),
        close: () => opened.close(),
      };
    }
    mkdirSync(settings.chdbPath, { recursive: true });
    client = createClient({ connection: createChdbConnection({ path: resolve(settings.chdbPath) }) as unknown as ClientConnection });
    const capabilities = await probeCapabilities(client);
    const { insert, cleanup } = chdbInsert(client);
    const opened = client;
    return {
      backend: 'chdb',
      client,
      capabilities,
      insertRowBinary: wrapInsert(insert),
      close: async () => {
        cleanup();
        await opened.close();
      },
    };
  } catch (error) {
    await client?.close().catch(() => undefined);
    throw new WarehouseUnavailable(target, { cause: error });
  }
}

function wrapInsert(insert: (plan: TablePlan, rows: Buffer) => Promise<void>) {
  return async (plan: TablePlan, rows: Buffer) => {
    try {
      await insert(plan, rows);
    } catch (error) {
      throw new InsertFailed(`${plan.database}.${plan.table}`, { cause: error });
    }
  };
}
