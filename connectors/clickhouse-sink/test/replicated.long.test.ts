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
  it('loses and duplicates nothing while each replica in turn is killed with -9: it fails over to the other when the one it writes through dies, analysts read the survivor, and the killed one catches up', async () => {
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
    // Every step with its duration, printed also when one fails or the test times out: a slow run says where.
    const steps = new StepTimer((line) => console.log(`[replicated clickhouse] ${line}`));
    let sink: ClickhouseSinkHandle | undefined;
    try {
      await steps.run('produce the first third', () => produceThird(0));
      sink = await steps.run('start the sink', () =>
        startClickhouseSink(
          {
            kafka: { brokers: brokers.split(',') },
            registryUrl,
            groupId,
            // Through the first replica; the second gets the rows by replication and takes the writes when the first dies.
            clickhouse: {
              url: url1,
              replicaUrls: [url2],
              username: clickhouseUser!,
              password: clickhousePassword!,
              database: `replicated_${randomUUID().slice(0, 8)}`,
              cluster: clickhouseCluster!,
            },
            batch: { maxRows: 300, maxWaitMs: 100, minIntervalMs: 0 },
          },
          { contracts: [contract], warn: (message) => warnings.push(message) },
        ),
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
      const until = (what: string, check: () => Promise<boolean>) => steps.run(what, () => waitFor(what, check, 60_000));
      await until('first third on both replicas', async () => (await rows(first)) === third && (await rows(second)) === third);

      // The replica the sink does not write through dies: the sink goes on, analysts read the first.
      await steps.run('kill -9 clickhouse-2', () => stack.killService('clickhouse-2'));
      await steps.run('produce the second third', () => produceThird(1));
      await until('second third written while clickhouse-2 is down', async () => (await rows(first)) === 2 * third);
      expect(await analystCount(first)).toBe(2 * third);
      await steps.run('restart clickhouse-2', () => stack.startService('clickhouse-2'));
      await until('clickhouse-2 caught up after its restart', async () => (await rows(second)) === 2 * third);

      // Then the one it writes through: the sink fails over to the second, which holds every part, and writes on.
      await steps.run('kill -9 clickhouse', () => stack.killService('clickhouse'));
      await steps.run('produce the last third', () => produceThird(2));
      await until('the last third written through clickhouse-2 while clickhouse is down', async () => (await rows(second)) === total);
      expect(warnings.some((message) => message.startsWith(`failed over to the ClickHouse replica ${url2}`))).toBe(true);
      expect(await analystCount(second)).toBe(total);
      await steps.run('restart clickhouse', () => stack.startService('clickhouse'));
      await steps.run('the sink group caught up', () => groupCaughtUp(producer.kafka, groupId, contract.contract.kafka.topic));
      await until('clickhouse caught up after its restart', async () => (await rows(first)) === total);
      expect(await rowCounts(first, plan)).toEqual({ rows: total, unique: total });
      expect(await rowCounts(second, plan)).toEqual({ rows: total, unique: total });
      expect(await analystCount(first)).toBe(total);
      expect(await analystCount(second)).toBe(total);
    } finally {
      console.log(`[replicated clickhouse] steps:\n${steps.report()}\nsink warnings:\n${warnings.join('\n')}`);
      await sink?.close();
      await producer.close();
      await Promise.all([first.close(), second.close()]);
    }
  }, 150_000);
});

/** Times each step of a scenario and logs it as it ends (or fails), so a slow or failed run names its slow step. */
class StepTimer {
  private readonly lines: string[] = [];
  private readonly started = Date.now();

  constructor(private readonly log: (line: string) => void) {}

  async run<T>(step: string, work: () => Promise<T>): Promise<T> {
    const at = Date.now();
    const line = (outcome: string) => {
      const text = `${seconds(at - this.started).padStart(6)} +${seconds(Date.now() - at).padStart(6)} ${step}${outcome}`;
      this.lines.push(text);
      this.log(text);
    };
    try {
      const result = await work();
      line('');
      return result;
    } catch (error) {
      line(` FAILED: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  report(): string {
    return this.lines.join('\n');
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
