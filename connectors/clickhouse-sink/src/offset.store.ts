import type { ClickHouseClient } from '@clickhouse/client';
import { qualifiedTableName, type TablePlan } from '@fieldmesh/warehouse';

const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The table is the sink's offset store: every row carries its `_topic`, `_partition` and `_offset`, so
 * after a crash the sink knows exactly which records are stored, whatever the consumer group had
 * committed. At start it reads the highest stored offset per partition; a record above it is new. A
 * record at or below it (a replay of the batch that was being inserted, or committed late) is looked up
 * by offset and skipped when present. Looking up each offset rather than trusting max(_offset) alone
 * keeps this exact even when a crash leaves an insert that spanned several parts half written.
 */
export class TableOffsetStore {
  private constructor(private readonly highest: Map<string, bigint>) {}

  static async load(client: ClickHouseClient, plans: readonly TablePlan[]): Promise<TableOffsetStore> {
    const highest = new Map<string, bigint>();
    for (const plan of plans) {
      const result = await client.query({
        query: `SELECT _topic AS topic, _partition AS partition, toString(max(_offset)) AS offset FROM ${qualifiedTableName(plan)} GROUP BY _topic, _partition`,
        format: 'JSONEachRow',
      });
      for (const row of await result.json<{ topic: string; partition: number | string; offset: string }>()) {
        highest.set(key(row.topic, Number(row.partition)), BigInt(row.offset));
      }
    }
    return new TableOffsetStore(highest);
  }

  /** True when the record may already be in the table (its offset is not above the highest stored). */
  mayBeStored(topic: string, partition: number, offset: string): boolean {
    const top = this.highest.get(key(topic, partition));
    return top !== undefined && BigInt(offset) <= top;
  }

  /** Which of these records (all of one topic) are in the table, as `partition:offset` keys. */
  async stored(client: ClickHouseClient, plan: TablePlan, records: ReadonlyArray<{ partition: number; offset: string }>): Promise<Set<string>> {
    const ranges = new Map<number, { low: bigint; high: bigint }>();
    for (const { partition, offset } of records) {
      const at = BigInt(offset);
      const range = ranges.get(partition);
      if (!range) ranges.set(partition, { low: at, high: at });
      else {
        if (at < range.low) range.low = at;
        if (at > range.high) range.high = at;
      }
    }
    const found = new Set<string>();
    for (const [partition, { low, high }] of ranges) {
      const result = await client.query({
        query:
          `SELECT toString(_offset) AS offset FROM ${qualifiedTableName(plan)} ` +
          `WHERE _topic = ${literal(plan.topic)} AND _partition = ${partition} AND _offset BETWEEN ${low} AND ${high}`,
        format: 'JSONEachRow',
      });
      for (const row of await result.json<{ offset: string }>()) found.add(`${partition}:${row.offset}`);
    }
    return found;
  }

  /** Records the highest offset written for a partition. */
  advance(topic: string, partition: number, offset: string): void {
    const k = key(topic, partition);
    const at = BigInt(offset);
    const top = this.highest.get(k);
    if (top === undefined || at > top) this.highest.set(k, at);
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}
