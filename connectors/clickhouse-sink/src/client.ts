import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { probeCapabilities, qualifiedTableName, quoteIdentifier, structureOf, type ServerCapabilities, type TablePlan } from '@fieldmesh/warehouse';
import { createChdbConnection } from 'chdb/connection';
import { InsertFailed, NoReplicaUsable, WarehouseUnavailable } from './errors';
import { tablesBehind } from './replica.catch-up';
import { isUnreachable } from './warehouse.retry';
import type { ClickhouseSettings } from './config';

// chdb declares its connection against @clickhouse/client-common, while @clickhouse/client carries its
// own copy of those types: the same shape declared twice, which TypeScript will not equate.
type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

/** One ClickHouse, embedded or remote, behind the official client plus a binary insert. */
export interface Warehouse {
  backend: 'chdb' | 'server';
  /** The server (the replica) it reads and writes through now: another one after a failover. */
  readonly client: ClickHouseClient;
  readonly capabilities: ServerCapabilities;
  /** Inserts RowBinary rows in the plan's column order as one INSERT statement. */
  insertRowBinary(plan: TablePlan, rows: Buffer): Promise<void>;
  /**
   * After the replica it writes through stopped answering: switches to another replica of the cluster that
   * answers and holds every part inserted anywhere (see replicaHoldsEveryInsert), and returns its URL; stays
   * (undefined) when there is none, or when the warehouse has no other replica.
   */
  failover(database: string): Promise<string | undefined>;
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

/** One replica (or the one server) and what it runs. */
interface ServerConnection {
  url: string;
  client: ClickHouseClient;
  capabilities: ServerCapabilities;
}

async function connectServer(url: string, settings: ClickhouseSettings): Promise<ServerConnection> {
  const client = createClient({
    url,
    username: settings.username,
    password: settings.password,
    request_timeout: 60_000,
    // Every failed request is thrown to the sink, which reports it once per reason (waiting, batch
    // delivered again); the client's own log would add a stack trace per retry while the server is down.
    log: { level: ClickHouseLogLevel.OFF },
  });
  try {
    return { url, client, capabilities: await probeCapabilities(client) };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

/**
 * A server, or a cluster's replicas (`url` first, then `replicaUrls`): writes go through one replica at a
 * time, which copies them to the others. A replica is taken only once it holds every part inserted through
 * any replica, so the sink's read-before-write (TableOffsetStore) asks a replica that knows every row.
 */
class ServerWarehouse implements Warehouse {
  readonly backend = 'server';
  readonly insertRowBinary = wrapInsert((plan, rows) => serverInsert(this.current.client)(plan, rows));

  private constructor(
    private current: ServerConnection,
    private readonly urls: readonly string[],
    private readonly settings: ClickhouseSettings,
  ) {}

  /** The first replica in order that answers and, on a cluster, holds every insert (database `settings.database`). */
  static async open(settings: ClickhouseSettings): Promise<ServerWarehouse> {
    const urls = urlsOf(settings);
    const problems: string[] = [];
    for (const url of urls) {
      const connection = await ServerWarehouse.usable(url, settings, problems);
      if (connection) return new ServerWarehouse(connection, urls, settings);
    }
    throw new NoReplicaUsable(urls, problems);
  }

  private static async usable(url: string, settings: ClickhouseSettings, problems: string[]): Promise<ServerConnection | undefined> {
    let connection: ServerConnection | undefined;
    try {
      connection = await connectServer(url, settings);
      const behind = settings.cluster === undefined ? [] : await tablesBehind(connection.client, settings.database);
      if (behind.length === 0) return connection;
      problems.push(`${url} lacks parts inserted through another replica in ${behind.join(', ')}`);
    } catch (error) {
      // Refusals that need a fix (a wrong password) are thrown; an unreachable replica is skipped.
      if (!isUnreachable(error)) throw error;
      problems.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
    }
    await connection?.client.close().catch(() => undefined);
    return undefined;
  }

  get client(): ClickHouseClient {
    return this.current.client;
  }

  get capabilities(): ServerCapabilities {
    return this.current.capabilities;
  }

  async failover(database: string): Promise<string | undefined> {
    for (const url of this.urls) {
      if (url === this.current.url) continue;
      const connection = await ServerWarehouse.usable(url, { ...this.settings, database }, []);
      if (!connection) continue;
      const previous = this.current;
      this.current = connection;
      await previous.client.close().catch(() => undefined);
      return url;
    }
    return undefined;
  }

  close(): Promise<void> {
    return this.current.client.close();
  }
}

const urlsOf = (settings: ClickhouseSettings): string[] => [settings.url, ...(settings.replicaUrls ?? [])].filter((url) => url !== undefined);

/** Opens the server (or the first usable replica) when `url` is set, else chDB at `chdbPath`; probes its version either way. */
export async function openWarehouse(settings: ClickhouseSettings): Promise<Warehouse> {
  if (settings.url) {
    try {
      return await ServerWarehouse.open(settings);
    } catch (error) {
      throw new WarehouseUnavailable(urlsOf(settings).join(', '), { cause: error });
    }
  }
  const target = `chDB at ${resolve(settings.chdbPath)}`;
  let client: ClickHouseClient | undefined;
  try {
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
      // chDB is in this process: there is no other replica.
      failover: async () => undefined,
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
