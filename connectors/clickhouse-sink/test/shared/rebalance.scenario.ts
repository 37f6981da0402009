import { randomUUID } from 'node:crypto';
import type { LoadedContract } from '@fieldmesh/governance';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startClickhouseSink, type ClickhouseSinkConfig, type ClickhouseSinkHandle } from '../../src/index';
import type { AnswerDroppingProxy } from '../support/answer-dropping.proxy';
import { productProducer, rawContractOnOwnTopic, rawReading, waitFor, type Producer } from '../support/products';
import { groupCaughtUp, rowCounts } from '../support/table-counts';

type ClickhouseConfig = NonNullable<ClickhouseSinkConfig['clickhouse']>;

/** Where the two instances write. Both share one database (and on chDB one data path, in one process). */
export interface RebalanceBackend {
  name: 'chdb' | 'server';
  clickhouse(database: string): ClickhouseConfig;
  /** Server only: the same server behind a proxy that can lose an answer after the statement ran. */
  lossy?(database: string): Promise<{ clickhouse: ClickhouseConfig; proxy: AnswerDroppingProxy }>;
}

const handled = (sink: ClickhouseSinkHandle) => {
  const [stats] = sink.stats().tables;
  return (stats?.inserted ?? 0) + (stats?.skippedStored ?? 0);
};

/** Produces readings in small sends until stopped, so that members come and go while records flow. */
function feed(producer: Producer): { stop(): Promise<number> } {
  let running = true;
  let produced = 0;
  const loop = (async () => {
    while (running) {
      produced += await producer.produce(Array.from({ length: 100 }, (_, i) => rawReading(produced + i)));
      await new Promise((done) => setTimeout(done, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return produced;
    },
  };
}

/** Two sink instances in one consumer group, partitions moving between them: each record stored once. */
export function rebalanceScenarios(backend: RebalanceBackend): void {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const resource of open.splice(0).reverse()) await resource.close();
  });

  const start = async (contract: LoadedContract, groupId: string, clickhouse: ClickhouseConfig, warn: (message: string) => void = () => undefined) => {
    const sink = await startClickhouseSink(
      { kafka: { brokers: brokers.split(',') }, registryUrl, groupId, clickhouse, batch: { maxRows: 200, maxWaitMs: 50, minIntervalMs: 0 } },
      { contracts: [contract], warn },
    );
    open.push(sink);
    return sink;
  };
  const database = () => `rebalance_${backend.name}_${randomUUID().slice(0, 8)}`;

  describe(`two sink instances in one group on ${backend.name}`, () => {
    it('a second instance joining mid-run and the first stopping mid-run leave each record stored once', async () => {
      const contract = rawContractOnOwnTopic('rebalance');
      const producer = await productProducer(brokers, registryUrl, contract);
      open.push(producer);
      const groupId = `sink-rebalance-${randomUUID().slice(0, 8)}`;
      const db = database();
      const feeding = feed(producer);
      const first = await start(contract, groupId, backend.clickhouse(db));
      await waitFor('the first instance to write', () => handled(first) >= 500);
      const second = await start(contract, groupId, backend.clickhouse(db));
      await waitFor('the second instance to be given partitions and write', () => handled(second) >= 500);
      await first.close();
      const before = handled(second);
      await waitFor('the second instance to take over every partition', () => handled(second) >= before + 1_000);
      const produced = await feeding.stop();
      await groupCaughtUp(producer.kafka, groupId, contract.contract.kafka.topic);
      expect(await rowCounts(second.warehouse.client, second.tables()[0]!.plan)).toEqual({ rows: produced, unique: produced });
    });

    if (backend.lossy) {
      const lossy = backend.lossy.bind(backend);
      it('an instance whose insert landed but whose answer was lost stops; the instance given its partitions writes those rows no second time', async () => {
        const contract = rawContractOnOwnTopic('handover');
        const producer = await productProducer(brokers, registryUrl, contract);
        open.push(producer);
        const groupId = `sink-handover-${randomUUID().slice(0, 8)}`;
        const db = database();
        const { clickhouse, proxy } = await lossy(db);
        open.push(proxy);
        let stopped: Promise<void> | undefined;
        // The first instance stops as soon as its failed batch is reported, before it can retry it itself.
        const first: ClickhouseSinkHandle = await start(contract, groupId, clickhouse, (message) => {
          if (message.includes('will be delivered again')) stopped ??= first.close();
        });
        const second = await start(contract, groupId, backend.clickhouse(db));
        proxy.dropAnswers(/INSERT INTO .* FORMAT RowBinary/s);
        const total = await producer.produce(Array.from({ length: 1_500 }, (_, i) => rawReading(i)));
        await waitFor('the first instance to lose an answer and stop', () => stopped !== undefined);
        await stopped;
        await groupCaughtUp(producer.kafka, groupId, contract.contract.kafka.topic);

        expect(proxy.dropped).toEqual([{ statement: expect.stringContaining('INSERT INTO'), status: 200 }]);
        expect(second.stats().tables[0]!.skippedStored).toBeGreaterThan(0);
        expect(await rowCounts(second.warehouse.client, second.tables()[0]!.plan)).toEqual({ rows: total, unique: total });
      });
    }
  });
}
