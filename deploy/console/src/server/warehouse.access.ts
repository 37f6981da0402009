import type { ClickHouseClient } from '@clickhouse/client';
import { openWarehouse } from '@fieldmesh/connector-clickhouse-sink';
import type { LoadedContract } from '@fieldmesh/governance';
import { planTable, probeCapabilities, type ServerCapabilities, type TablePlan } from '@fieldmesh/warehouse';
import type { ConsoleSettings } from './console.options';
import { UpstreamFailed } from './errors';

/** ClickHouse as the sink made it: its client, the database, and each product's table plan. */
export class WarehouseAccess {
  private constructor(
    readonly client: ClickHouseClient,
    readonly database: string,
    readonly capabilities: ServerCapabilities,
    readonly close: () => Promise<void>,
  ) {}

  static async open(settings: NonNullable<ConsoleSettings['clickhouse']>): Promise<WarehouseAccess> {
    if (isClient(settings)) return new WarehouseAccess(settings, 'fieldmesh', await probeCapabilities(settings), async () => undefined);
    if ('client' in settings) return new WarehouseAccess(settings.client, settings.database, await probeCapabilities(settings.client), async () => undefined);
    const warehouse = await openWarehouse(
      'url' in settings
        ? { url: settings.url, username: settings.username, password: settings.password, database: settings.database, chdbPath: '.fieldmesh/chdb' }
        : { username: 'default', password: '', database: settings.database, chdbPath: settings.chdbPath },
    );
    return new WarehouseAccess(warehouse.client, settings.database, warehouse.capabilities, () => warehouse.close());
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
  async table(query: string): Promise<{ columns: { name: string; type: string }[]; rows: unknown[][] }> {
    try {
      const result = await this.client.query({ query, format: 'JSONCompact' });
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
