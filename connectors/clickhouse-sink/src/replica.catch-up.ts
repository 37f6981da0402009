import type { ClickHouseClient } from '@clickhouse/client';

interface ReplicaRow {
  table: string;
  zookeeper_path: string;
  is_readonly: number | string;
  is_session_expired: number | string;
  inserts_in_queue: number | string;
  log_max_index: number | string;
  log_pointer: number | string;
}

/**
 * The replicated tables of `database` for which this replica lacks parts inserted through another replica
 * (empty: it holds every row any replica acknowledged). A replicated insert is acknowledged once its part
 * is on the replica it went through, and that replica puts a GET_PART entry in the table's ZooKeeper log in
 * the same ZooKeeper transaction; the other replicas pull the log into their queues and fetch the part.
 * So a replica holds every insert when it has pulled the whole log (`log_pointer` past `log_max_index`)
 * and has no insert left in its queue. Writing through a replica that lacks some would make the sink's
 * read-before-write (TableOffsetStore) miss rows that exist, and insert them again: duplicates once the
 * part arrives. Its queue cannot drain while the replica holding the part is down, which is why the sink
 * then waits for that replica rather than fail over.
 *
 * ClickHouse's own `SYSTEM SYNC REPLICA` would wait for the same, but blocks until its timeout when a part
 * cannot be fetched, and the sink's user (allow_ddl = 0) is meant to insert and read, not run SYSTEM.
 */
export async function tablesBehind(client: ClickHouseClient, database: string): Promise<string[]> {
  const result = await client.query({
    query: 'SELECT table, zookeeper_path, is_readonly, is_session_expired, inserts_in_queue, log_max_index, log_pointer ' + `FROM system.replicas WHERE database = '${database}'`,
    format: 'JSONEachRow',
  });
  const behind: string[] = [];
  for (const row of await result.json<ReplicaRow>()) {
    if (Number(row.is_readonly) !== 0 || Number(row.is_session_expired) !== 0 || Number(row.inserts_in_queue) > 0) {
      behind.push(row.table);
      continue;
    }
    if (BigInt(row.log_pointer) > BigInt(row.log_max_index)) continue;
    // log_max_index is 0 both for an empty log and for one whose single entry is not pulled yet: ZooKeeper says which.
    if (await logHasEntries(client, row.zookeeper_path)) behind.push(row.table);
  }
  return behind;
}

async function logHasEntries(client: ClickHouseClient, zookeeperPath: string): Promise<boolean> {
  const path = `${zookeeperPath}/log`.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const result = await client.query({ query: `SELECT toString(count()) AS entries FROM system.zookeeper WHERE path = '${path}'`, format: 'JSONEachRow' });
  return Number((await result.json<{ entries: string }>())[0]?.entries ?? 0) > 0;
}
