import type { ClickHouseClient } from '@clickhouse/client';
import { provisionOffsetLedger, qualifiedTableName, type TablePlan } from '@fieldmesh/warehouse';

const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

interface Coordinates {
  partition: number;
  offset: string;
}

/**
 * Which Kafka records are already in a product's table, asked afresh for every batch.
 *
 * Every row carries its `_topic`, `_partition` and `_offset`, so the table itself says exactly what is
 * stored. Nothing about it is cached between batches: a mark read once goes stale when an insert times
 * out after it landed (the retry would write its rows again), when another sink instance of the group
 * wrote a partition before it was assigned here, or when a crash left rows that were never committed.
 * Each batch therefore reads, per partition, the highest offset any instance was about to insert (the
 * ledger, below); records above it cannot be stored, records at or below it are looked up by offset.
 *
 * Why this and not what newer ClickHouse offers: `insert_deduplication_token` with
 * `non_replicated_deduplication_window` would make a repeated insert a no-op, but the supported server
 * (Debian's 18.16) has neither, and block deduplication there needs ReplicatedMergeTree and ZooKeeper.
 * ReplacingMergeTree keyed by (partition, offset) works on 18.16 and chDB alike but removes duplicates
 * only when parts merge: `count()` and every analyst query would be wrong until then unless each read
 * used FINAL. Reading the state from ClickHouse before each insert works on 18.16 over HTTP and on chDB
 * 26.x the same way, and the table never holds a duplicate at any moment.
 *
 * The ledger (`_fieldmesh_sink_offsets`, one row per insert and partition, collapsed by
 * ReplacingMergeTree to the highest) exists so that this per-batch read is cheap: `max(_offset)` of a
 * product table scans the whole table, the ledger is a few rows per partition. A mark is written before
 * the insert it covers, so it can only run ahead of the table (an insert that then fails costs one
 * lookup on the retry), never behind it.
 *
 * On a cluster (`clickhouse.cluster`) the product tables and the ledger are ReplicatedMergeTree and the
 * sink reads and writes them through one replica, its `url`: a replicated insert is acknowledged once
 * the part is on that replica, so the next batch's read sees it there (no wait for the other replicas).
 * When that replica stops answering, the sink fails over to another (`replicaUrls`) only once that one
 * holds every part inserted anywhere (replica.catch-up.ts), so the reads stay complete across replicas.
 * ReplicatedMergeTree also drops a block identical to one of the last 100 it took (its hash is kept in
 * ZooKeeper), which would catch a replay that re-sent the very same batch; the sink does not rely on it,
 * since a replayed batch after a partial insert or a rebalance is not the same block.
 *
 * What no read-before-write closes: two instances inserting the same offsets at the same moment, which
 * happens only if the consumer hands an instance records of a partition already revoked from it.
 */
export class TableOffsetStore {
  private constructor(
    /** The warehouse: its client is the replica written through now, another one after a failover. */
    private readonly warehouse: { readonly client: ClickHouseClient },
    private readonly ledger: string,
  ) {}

  private get client(): ClickHouseClient {
    return this.warehouse.client;
  }

  /**
   * Creates the ledger in `database` when missing and records what each table already holds: tables
   * written before the ledger existed, or a ledger that was dropped, start from the table's own offsets.
   */
  static async open(warehouse: { readonly client: ClickHouseClient }, database: string, plans: readonly TablePlan[], cluster?: string): Promise<TableOffsetStore> {
    const { client } = warehouse;
    const ledger = await provisionOffsetLedger(client, database, cluster);
    for (const plan of plans) {
      await client.command({
        query: `INSERT INTO ${ledger} (_topic, _partition, _offset) SELECT _topic, _partition, toUInt64(max(_offset)) FROM ${qualifiedTableName(plan)} GROUP BY _topic, _partition`,
      });
    }
    return new TableOffsetStore(warehouse, ledger);
  }

  /** Which of these records (all of one topic) are in the plan's table, as `partition:offset` keys. */
  async stored(plan: TablePlan, records: readonly Coordinates[]): Promise<Set<string>> {
    const marks = await this.marks(plan.topic);
    const ranges = new Map<number, { low: bigint; high: bigint }>();
    for (const { partition, offset } of records) {
      const at = BigInt(offset);
      const mark = marks.get(partition);
      if (mark === undefined || at > mark) continue;
      const range = ranges.get(partition);
      if (!range) ranges.set(partition, { low: at, high: at });
      else {
        if (at < range.low) range.low = at;
        if (at > range.high) range.high = at;
      }
    }
    const found = new Set<string>();
    for (const [partition, { low, high }] of ranges) {
      // By offset, not by max(_offset): a crash can leave an insert that spanned several parts half written.
      const result = await this.client.query({
        query:
          `SELECT toString(_offset) AS offset FROM ${qualifiedTableName(plan)} ` +
          `WHERE _topic = ${literal(plan.topic)} AND _partition = ${partition} AND _offset BETWEEN ${low} AND ${high}`,
        format: 'JSONEachRow',
      });
      for (const row of await result.json<{ offset: string }>()) found.add(`${partition}:${row.offset}`);
    }
    return found;
  }

  /** Records, before inserting them, the highest offset per partition of records about to be written. */
  async willWrite(plan: TablePlan, records: readonly Coordinates[]): Promise<void> {
    const highest = new Map<number, bigint>();
    for (const { partition, offset } of records) {
      const at = BigInt(offset);
      const top = highest.get(partition);
      if (top === undefined || at > top) highest.set(partition, at);
    }
    if (highest.size === 0) return;
    const rows = [...highest].map(([partition, offset]) => `(${literal(plan.topic)}, ${partition}, ${offset})`);
    await this.client.command({ query: `INSERT INTO ${this.ledger} (_topic, _partition, _offset) VALUES ${rows.join(', ')}` });
  }

  private async marks(topic: string): Promise<Map<number, bigint>> {
    const result = await this.client.query({
      query: `SELECT _partition AS partition, toString(max(_offset)) AS offset FROM ${this.ledger} WHERE _topic = ${literal(topic)} GROUP BY _partition`,
      format: 'JSONEachRow',
    });
    const marks = new Map<number, bigint>();
    for (const row of await result.json<{ partition: number | string; offset: string }>()) marks.set(Number(row.partition), BigInt(row.offset));
    return marks;
  }
}
