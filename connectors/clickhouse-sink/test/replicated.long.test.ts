import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { TEST_STACKS_DIR, startStack, type Stack } from '@fieldmesh/stack';
import { distributedTableName, qualifiedTableName, type TablePlan } from '@fieldmesh/warehouse';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startClickhouseSink, type ClickhouseSinkHandle } from '../src/index';
import { productProducer, rawContractOnOwnTopic, rawReading, waitFor } from './support/products';
import { groupCaughtUp, rowCounts } from './support/table-counts';

// Its own ZooKeeper and two ClickHouse replicas (the run's shared stack has one server); Kafka and the registry are the run's.
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    dir: join(TEST_STACKS_DIR, `replicated-clickhouse-${process.pid}`),
    services: ['clickhouse'],
    clickhouse: { replicas: 2 },
    log: (line) => console.log(`[replicated clickhouse stack] ${line}`),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the sink on two ClickHouse replicas', () => {
  it('loses and duplicates nothing while each replica in turn is killed with -9, analysts read the survivor, and the killed one catches up', async () => {
    const { clickhouseReplicaUrls, clickhouseUser, clickhousePassword, clickhouseCluster } = stack.addresses;
    const [url1, url2] = clickhouseReplicaUrls!.split(',') as [string, string];
    // Refusals while a replica is down are expected: the client need not log each one.
    const replica = (url: string): ClickHouseClient =>
      createClient({ url, username: clickhouseUser!, password: clickhousePassword!, request_timeout: 10_000, log: { level: ClickHouseLogLevel.OFF } });
    const [first, second] = [replica(url1), replica(url2)];
    const brokers = inject('kafkaBrokers');
    const registryUrl = inject('registryUrl');
    const contract = rawContractOnOwnTopic('replicated');
    const producer = await productProducer(brokers, registryUrl, contract);
    const third = 4_000;
    const produceThird = (part: number) => producer.produce(Array.from({ length: third }, (_, i) => rawReading(part * third + i)));
    const total = 3 * third;
    const groupId = `sink-replicated-${randomUUID().slice(0, 8)}`;
    const warnings: string[] = [];
    let sink: ClickhouseSinkHandle | undefined;
    try {
      await produceThird(0);
      sink = await startClickhouseSink(
        {
          kafka: { brokers: brokers.split(',') },
          registryUrl,
          groupId,
          // Through the first replica, as the config documents; the second gets the rows by replication.
          clickhouse: { url: url1, username: clickhouseUser!, password: clickhousePassword!, database: `replicated_${randomUUID().slice(0, 8)}`, cluster: clickhouseCluster! },
          batch: { maxRows: 300, maxWaitMs: 100, minIntervalMs: 0 },
        },
        { contracts: [contract], warn: (message) => warnings.push(message) },
      );
      const plan: TablePlan = sink.tables()[0]!.plan;
      expect(plan.engine).toBe('ReplicatedMergeTree');
      const rows = async (client: ClickHouseClient) => (await rowCounts(client, plan)).rows;
      // What an analyst runs: the Distributed table, without the local shortcut (the analyst profile turns it off),
      // so the query goes to a replica chosen over TCP and must skip the dead one.
      const analystCount = async (client: ClickHouseClient) => {
        const result = await client.query({
          query: `SELECT toString(count()) AS rows FROM ${qualifiedTableName({ database: plan.database, table: distributedTableName(plan) })} SETTINGS prefer_localhost_replica = 0`,
          format: 'JSONEachRow',
        });
        return Number((await result.json<{ rows: string }>())[0]!.rows);
      };
      const figures: string[] = [];
      const timed = async (what: string, check: () => Promise<boolean>) => {
        const started = Date.now();
        await waitFor(what, check, 60_000);
        figures.push(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      };
      await timed('first third on both replicas', async () => (await rows(first)) === third && (await rows(second)) === third);

      // The replica the sink does not write through dies: the sink goes on, analysts read the first.
      await stack.killService('clickhouse-2');
      await produceThird(1);
      await timed('second third written while clickhouse-2 is down', async () => (await rows(first)) === 2 * third);
      expect(await analystCount(first)).toBe(2 * third);
      await stack.startService('clickhouse-2');
      await timed('clickhouse-2 caught up after its restart', async () => (await rows(second)) === 2 * third);

      // Then the one it writes through: its inserts fail, their batches come again once it is back.
      const before = warnings.length;
      await stack.killService('clickhouse');
      await produceThird(2);
      await timed('the sink to fail an insert on the dead replica', async () => warnings.slice(before).some((message) => message.includes('will be delivered again')));
      expect(await analystCount(second)).toBe(2 * third);
      await stack.startService('clickhouse');

      await groupCaughtUp(producer.kafka, groupId, contract.contract.kafka.topic);
      await timed('the last third on both replicas', async () => (await rows(first)) === total && (await rows(second)) === total);
      console.log(`[replicated clickhouse] ${figures.join('; ')}\nsink warnings:\n${warnings.join('\n')}`);
      expect(await rowCounts(first, plan)).toEqual({ rows: total, unique: total });
      expect(await rowCounts(second, plan)).toEqual({ rows: total, unique: total });
      expect(await analystCount(first)).toBe(total);
      expect(await analystCount(second)).toBe(total);
    } finally {
      await sink?.close();
      await producer.close();
      await Promise.all([first.close(), second.close()]);
    }
  }, 150_000);
});
