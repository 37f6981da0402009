import type { ClickHouseClient } from '@clickhouse/client';
import type { KafkaPort } from '@fieldmesh/kafka';
import { qualifiedTableName, type TablePlan } from '@fieldmesh/warehouse';
import { waitFor } from './products';

/** Rows in a product table and distinct Kafka records among them: equal when nothing is duplicated. */
export async function rowCounts(client: ClickHouseClient, plan: Pick<TablePlan, 'database' | 'table'>): Promise<{ rows: number; unique: number }> {
  const result = await client.query({
    query: `SELECT toString(count()) AS rows, toString(uniqExact(_partition, _offset)) AS unique FROM ${qualifiedTableName(plan)}`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ rows: string; unique: string }>();
  return { rows: Number(row!.rows), unique: Number(row!.unique) };
}

/**
 * Waits until the group has committed every partition of the topic to its end. The sink commits a batch
 * only after its insert, so from then on no insert of these records is pending: counting the table
 * afterwards needs no pause for a late duplicate to show up.
 */
export async function groupCaughtUp(kafka: KafkaPort, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map((await admin.fetchTopicEndOffsets(topic)).map((p) => [p.partition, p.offset]));
    await waitFor(`group ${groupId} to commit ${topic} to its end`, async () => {
      const committed = new Map((await admin.fetchGroupOffsets(groupId, topic)).map((p) => [p.partition, p.offset]));
      return [...ends].every(([partition, end]) => committed.get(partition) === end);
    });
  } finally {
    await admin.disconnect();
  }
}
