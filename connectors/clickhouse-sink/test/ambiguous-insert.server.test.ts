import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startClickhouseSink, type ClickhouseSinkHandle } from '../src/index';
import { startAnswerDroppingProxy, type AnswerDroppingProxy } from './support/answer-dropping.proxy';
import { productProducer, rawContractOnOwnTopic, rawReading } from './support/products';
import { groupCaughtUp, rowCounts } from './support/table-counts';

// Server only: chDB runs inside the sink's process, so there is no answer on a wire to lose.
describe('an insert whose answer is lost after it landed (server behind a proxy)', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const server = { url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword') };
  const open: Array<ClickhouseSinkHandle | AnswerDroppingProxy> = [];
  afterEach(async () => {
    for (const resource of open.splice(0).reverse()) await resource.close();
  });

  it.each([
    // The rows landed: the retry finds them and skips them.
    { lost: 'the rows', statement: /INSERT INTO .* FORMAT RowBinary/s, rowsSkipped: true },
    // Only the mark landed: the retry looks the records up, finds none and writes them all.
    { lost: 'the offset mark written before the rows', statement: /INSERT INTO `\w+`\.`_fieldmesh_sink_offsets` .*VALUES/s, rowsSkipped: false },
  ])('when the answer to $lost is lost, the sink retries and the table ends with each record once', async ({ statement, rowsSkipped }) => {
    const contract = rawContractOnOwnTopic('ambiguous');
    const producer = await productProducer(brokers, registryUrl, contract);
    const total = await producer.produce(Array.from({ length: 1_500 }, (_, i) => rawReading(i)));
    await producer.close();
    const proxy = await startAnswerDroppingProxy(server.url);
    open.push(proxy);
    proxy.dropAnswers(statement);
    const warnings: string[] = [];
    const groupId = `sink-ambiguous-${randomUUID().slice(0, 8)}`;
    const sink = await startClickhouseSink(
      {
        kafka: { brokers: brokers.split(',') },
        registryUrl,
        groupId,
        clickhouse: { ...server, url: proxy.url, database: `ambiguous_${randomUUID().slice(0, 8)}` },
        batch: { maxRows: 500, maxWaitMs: 100, minIntervalMs: 0 },
      },
      { contracts: [contract], warn: (message) => warnings.push(message) },
    );
    open.push(sink);
    // Every batch committed: any insert the sink was going to make has been made.
    await groupCaughtUp(producer.kafka, groupId, contract.contract.kafka.topic);

    expect(proxy.dropped).toHaveLength(1);
    expect(proxy.dropped[0]!.status).toBe(200);
    expect(warnings.some((w) => w.includes('will be delivered again'))).toBe(true);
    const plan = sink.tables()[0]!.plan;
    expect(await rowCounts(sink.warehouse.client, plan)).toEqual({ rows: total, unique: total });
    const [stats] = sink.stats().tables;
    expect(stats!.inserted + stats!.skippedStored).toBe(total);
    expect(stats!.skippedStored > 0).toBe(rowsSkipped);
  });
});
