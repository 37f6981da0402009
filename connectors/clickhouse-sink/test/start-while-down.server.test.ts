import { randomUUID } from 'node:crypto';
import { attachStack } from '@fieldmesh/testing';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startClickhouseSink, type ClickhouseSinkHandle } from '../src/index';
import { productProducer, rawContractOnOwnTopic, rawReading } from './support/products';
import { groupCaughtUp, rowCounts } from './support/table-counts';

// Server only: chDB lives inside the sink's process, so it cannot be down while the sink runs.
describe('a sink started while the ClickHouse server is down', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const server = { url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword') };
  const open: ClickhouseSinkHandle[] = [];
  afterEach(async () => {
    for (const sink of open.splice(0)) await sink.close();
  });

  it('says it waits for ClickHouse instead of exiting, and writes every record once the server is back', async () => {
    const stack = attachStack(inject('stackDir'));
    const contract = rawContractOnOwnTopic('down-at-start');
    const producer = await productProducer(brokers, registryUrl, contract);
    const total = await producer.produce(Array.from({ length: 600 }, (_, i) => rawReading(i)));
    const groupId = `sink-down-at-start-${randomUUID().slice(0, 8)}`;
    const warnings: string[] = [];
    let waiting!: () => void;
    const saidWaiting = new Promise<void>((resolve) => (waiting = resolve));

    await stack.stopService('clickhouse');
    try {
      const starting = startClickhouseSink(
        {
          kafka: { brokers: brokers.split(',') },
          registryUrl,
          groupId,
          clickhouse: { ...server, database: `down_at_start_${randomUUID().slice(0, 8)}` },
          batch: { maxRows: 200, maxWaitMs: 100, minIntervalMs: 0 },
        },
        {
          contracts: [contract],
          warn: (message) => {
            warnings.push(message);
            if (message.startsWith('waiting for ClickHouse')) waiting();
          },
        },
      );
      // Before the fix the start rejected here with WarehouseUnavailable (ECONNREFUSED) and the process exited.
      await Promise.race([saidWaiting, starting]);
      expect(warnings[0]).toMatch(/^waiting for ClickHouse at .*ECONNREFUSED/);
      await stack.startService('clickhouse');
      const sink = await starting;
      open.push(sink);

      await groupCaughtUp(producer.kafka, groupId, contract.contract.kafka.topic);
      expect(await rowCounts(sink.warehouse.client, sink.tables()[0]!.plan)).toEqual({ rows: total, unique: total });
      expect(warnings.some((message) => message.includes('answers again'))).toBe(true);
    } finally {
      await stack.startService('clickhouse');
      await producer.close();
    }
  });
});
