import type { ClickHouseClient } from '@clickhouse/client';
import { WarehouseStatementFailed } from './errors';
import { qualifiedTableName, type TablePlan } from './table.plan';

/** The first instant after a partition's rows, from its id: `20261121` (day) or `202611` (month). */
export function partitionEnd(partitionId: string, granularity: TablePlan['partitionGranularity']): number | undefined {
  const match = granularity === 'day' ? /^(\d{4})(\d{2})(\d{2})$/.exec(partitionId) : /^(\d{4})(\d{2})$/.exec(partitionId);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 1)];
  return granularity === 'day' ? Date.UTC(year, month - 1, day + 1) : Date.UTC(year, month, 1);
}

/** Partitions whose every row is older than the retention at `now`. */
export function expiredPartitions(partitionIds: string[], plan: Pick<TablePlan, 'partitionGranularity' | 'retentionDays'>, now: number): string[] {
  const cutoff = now - plan.retentionDays * 86_400_000;
  return partitionIds.filter((id) => {
    const end = partitionEnd(id, plan.partitionGranularity);
    return end !== undefined && end <= cutoff;
  });
}

/** The table's partitions whose rows are all past the contract's warehouse retention at `now` (reads system.parts). */
export async function findExpiredPartitions(client: ClickHouseClient, plan: TablePlan, now = Date.now()): Promise<string[]> {
  const escape = (text: string) => text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const result = await client.query({
    query: `SELECT DISTINCT partition FROM system.parts WHERE database = '${escape(plan.database)}' AND table = '${escape(plan.table)}' AND active`,
    format: 'JSONEachRow',
  });
  const ids = (await result.json<{ partition: string }>()).map((row) => row.partition.replace(/'/g, ''));
  return expiredPartitions(ids, plan, now);
}

/**
 * Retention on servers without TTL: drops the partitions whose rows are all past the contract's
 * warehouse retention. Whole partitions only, so a row may outlive its retention by up to one
 * partition (a day, or a month for retention over a year). Returns the partitions dropped.
 */
export async function dropExpiredPartitions(client: ClickHouseClient, plan: TablePlan, now = Date.now()): Promise<string[]> {
  const expired = await findExpiredPartitions(client, plan, now);
  for (const id of expired) {
    const sql = `ALTER TABLE ${qualifiedTableName(plan)} DROP PARTITION ${id}`;
    try {
      await client.command({ query: sql });
    } catch (error) {
      throw new WarehouseStatementFailed(`Dropping expired partition ${id} of ${plan.table}`, sql, { cause: error });
    }
  }
  return expired;
}
