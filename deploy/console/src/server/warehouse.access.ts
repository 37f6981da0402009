import { readFileSync } from 'node:fs';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { openWarehouse } from '@fieldmesh/connector-clickhouse-sink';
import type { LoadedContract } from '@fieldmesh/governance';
import { planTable, probeCapabilities, type ServerCapabilities, type TablePlan } from '@fieldmesh/warehouse';
import type { ConsoleSettings } from './console.options';
import { UpstreamFailed } from './errors';

/**
 * Who runs the sample queries: the analyst user `fieldmesh products apply --clickhouse-config-dir` installs
 * (reading its tables in the analyst database, without personal columns), or, where there is none (chDB,
 * which has no users, or a server without it), the console's own client with `readonly = 1` on each query.
 * The setting is a SETTINGS clause, not a client setting: chDB keeps client settings for the session, so
 * they would make the sink's next inserts on a shared client read-only too.
 */
export type SampleReader = { kind: 'analyst'; client: ClickHouseClient; database: string } | { kind: 'readonly-settings' };

/** ClickHouse as the sink made it: its client, the database, and each product's table plan. */
export class WarehouseAccess {
  private constructor(
    readonly client: ClickHouseClient,
    readonly database: string,
    readonly capabilities: ServerCapabilities,
    readonly close: () => Promise<void>,
    readonly sampleReader: SampleReader = { kind: 'readonly-settings' },
  ) {}

  static async open(settings: NonNullable<ConsoleSettings['clickhouse']>): Promise<WarehouseAccess> {
    if (isClient(settings)) return new WarehouseAccess(settings, 'fieldmesh', await probeCapabilities(settings), async () => undefined);
    if ('client' in settings) return new WarehouseAccess(settings.client, settings.database, await probeCapabilities(settings.client), async () => undefined);
    const warehouse = await openWarehouse(
      'url' in settings
        ? { url: settings.url, username: settings.username, password: settings.password, database: settings.database, chdbPath: '.fieldmesh/chdb' }
        : { username: 'default', password: '', database: settings.database, chdbPath: settings.chdbPath },
    );
    if (!('url' in settings) || !settings.analyst) return new WarehouseAccess(warehouse.client, settings.database, warehouse.capabilities, () => warehouse.close());
    const analyst = createClient({ url: settings.url, username: settings.analyst.username, password: readFileSync(settings.analyst.passwordFile, 'utf8').trim() });
    return new WarehouseAccess(
      warehouse.client,
      settings.database,
      warehouse.capabilities,
      async () => {
        await analyst.close();
        await warehouse.close();
      },
      { kind: 'analyst', client: analyst, database: settings.analyst.database },
    );
  }

  /** The table a sample query reads: the analyst's copy of the product table when there is an analyst user. */
  samplePlanFor(loaded: LoadedContract): TablePlan {
    const plan = this.planFor(loaded);
    return this.sampleReader.kind === 'analyst' ? { ...plan, database: this.sampleReader.database } : plan;
  }

  /** Runs a sample query as the analyst, or read-only as the console (see SampleReader). */
  async sampleTable(query: string): Promise<{ columns: { name: string; type: string }[]; rows: unknown[][] }> {
    return this.sampleReader.kind === 'analyst' ? this.table(query, this.sampleReader.client) : this.table(`${query} SETTINGS readonly = 1`);
  }

  /** The table the sink writes for the product, as it plans it (name, columns, time column). */
  planFor(loaded: LoadedContract): TablePlan {
    return planTable(loaded, this.capabilities, { database: this.database });
  }

  async tableExists(plan: TablePlan): Promise<boolean> {
    const rows = await this.rows<{ n: number | string }>(`SELECT count() AS n FROM system.tables WHERE database = ${sqlString(plan.database)} AND name = ${sqlString(plan.table)}`);
    return Number(rows[0]?.n ?? 0) > 0;
  }

  async rows<T>(query: string): Promise<T[]> {
    try {
      const result = await this.client.query({ query, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (cause) {
      throw new UpstreamFailed('ClickHouse', `${cause instanceof Error ? cause.message : String(cause)} (query: ${query.slice(0, 200)})`, { cause });
    }
  }

  /** Column names and types with the rows as arrays, as the sample query shows them. */
  async table(query: string, client: ClickHouseClient = this.client): Promise<{ columns: { name: string; type: string }[]; rows: unknown[][] }> {
    try {
      const result = await client.query({ query, format: 'JSONCompact' });
      // JSONCompact is one object, not rows, whatever the client's row-oriented typing says.
      const body = (await result.json()) as unknown as { meta: { name: string; type: string }[]; data: unknown[][] };
      return { columns: body.meta, rows: body.data };
    } catch (cause) {
      throw new UpstreamFailed('ClickHouse', `${cause instanceof Error ? cause.message : String(cause)} (query: ${query.slice(0, 200)})`, { cause });
    }
  }
}

function isClient(value: unknown): value is ClickHouseClient {
  return typeof value === 'object' && value !== null && typeof (value as ClickHouseClient).query === 'function';
}

/** A ClickHouse string literal (servers from 18.16 on, so no query parameters). */
export function sqlString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
