import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { ServiceStartError } from '@fieldmesh/stack';

// chdb declares its connection against @clickhouse/client-common, while @clickhouse/client 1.23.1 carries
// its own copy of those types: the same shape declared twice, which TypeScript will not equate.
type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export interface ChdbClientOptions {
  /** The data folder. Only one process may hold a path; the default is a new temporary folder. */
  path?: string;
}

export interface ChdbClient {
  client: ClickHouseClient;
  path: string;
  /** The embedded ClickHouse's version, as `SELECT version()` reports it. */
  version: string;
  /** Closes the client and removes the data folder if it was a temporary one made here. */
  close(): Promise<void>;
}

/**
 * chDB (ClickHouse embedded in this process) behind the official client's interface, so the same code
 * and tests run against it and against the server. Checked with `SELECT version()` before it is handed out.
 */
export async function openChdbClient(options: ChdbClientOptions = {}): Promise<ChdbClient> {
  const path = options.path ?? mkdtempSync(join(tmpdir(), 'fieldmesh-chdb-'));
  const removeTemporary = () => {
    if (!options.path) rmSync(path, { recursive: true, force: true });
  };
  let client: ClickHouseClient | undefined;
  try {
    client = createClient({ connection: createChdbConnection({ path }) as unknown as ClientConnection });
    const result = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
    const [row] = await result.json<{ version: string }>();
    if (!row?.version) throw new Error('SELECT version() returned no row');
    const opened = client;
    const close = async () => {
      await opened.close();
      removeTemporary();
    };
    return { client, path, version: row.version, close };
  } catch (error) {
    await client?.close().catch(() => undefined);
    removeTemporary();
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServiceStartError(
      'chdb',
      `opening chDB at ${path} failed: ${reason} (is the 'chdb' npm package installed with its native library, and no other process holding this path?)`,
      undefined,
      '',
      { cause: error },
    );
  }
}
