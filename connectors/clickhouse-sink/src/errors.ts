const messageOf = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause));

/** ClickHouse (server or chDB) could not be opened or did not answer `SELECT version()`. */
export class WarehouseUnavailable extends Error {
  override readonly name = 'WarehouseUnavailable';
  constructor(
    readonly target: string,
    options: { cause: unknown },
  ) {
    super(
      `Cannot open ClickHouse (${target}): ${messageOf(options.cause)}. For a server check clickhouse.url, username and password; ` +
        'for chDB check that no other process holds clickhouse.chdbPath.',
      options,
    );
  }
}

/** No replica of the cluster both answers and holds every insert: the sink waits for one (see replica.catch-up.ts). */
export class NoReplicaUsable extends Error {
  override readonly name = 'NoReplicaUsable';
  constructor(
    readonly urls: readonly string[],
    readonly problems: readonly string[],
  ) {
    super(
      `No ClickHouse replica to write through among ${urls.join(', ')}: ${problems.join('; ')}. ` +
        'A replica that lacks parts waits for the replica that has them to be back; start the replicas that are down.',
    );
  }
}

/** An insert was refused or the connection broke; the batch is not committed and comes again. */
export class InsertFailed extends Error {
  override readonly name = 'InsertFailed';
  constructor(
    readonly table: string,
    options: { cause: unknown },
  ) {
    super(`Inserting into ${table} failed: ${messageOf(options.cause)}. The batch is not committed; it is delivered again and rows already stored are skipped.`, options);
  }
}

/** A record without a value (tombstone): products are append-only, so it has no row to become. */
export class TombstoneRecord extends Error {
  override readonly name = 'TombstoneRecord';
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
  ) {
    super(`Record ${topic}/${partition}@${offset} has no value; data products are append-only, so a tombstone has no row. Find the producer that sends null values.`);
  }
}
