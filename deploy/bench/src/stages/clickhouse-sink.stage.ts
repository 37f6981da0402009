import type { ClickhouseSinkConfig, ClickhouseSinkStats } from '@fieldmesh/connector-clickhouse-sink';
import { startHelper } from '../helper.process';
import type { PipelineStage, StageContext } from './stage';

/**
 * `connectors/clickhouse-sink` on one product, in its own process, writing to the stack's ClickHouse
 * server. Counts the rows it inserted (replays skipped, dead letters excluded).
 */
export async function startClickhouseSinkStage(context: StageContext, contractFile: string, topic: string): Promise<PipelineStage> {
  const { clickhouseUrl, clickhouseUser, clickhousePassword } = context.addresses;
  if (!clickhouseUrl) throw new Error("the ClickHouse sink stage needs the stack's clickhouse service: add it to the stack's services");
  const config: ClickhouseSinkConfig = {
    kafka: { brokers: [context.addresses.kafkaBrokers], clientId: 'bench-clickhouse-sink' },
    registryUrl: context.addresses.registryUrl,
    groupId: 'bench.clickhouse-sink',
    contractsRoot: context.root,
    products: [topic],
    clickhouse: { url: clickhouseUrl, username: clickhouseUser ?? 'default', password: clickhousePassword ?? '', database: 'fieldmesh' },
  };
  let latest: ClickhouseSinkStats | undefined;
  let markRunning!: () => void;
  const running = new Promise<void>((resolve) => (markRunning = resolve));
  const helper = startHelper('ClickHouse sink', 'deploy/bench/src/clickhouse-sink.process.ts', [JSON.stringify(config), contractFile], {
    cwd: context.root,
    onLine: (line) => {
      latest = JSON.parse(line) as ClickhouseSinkStats;
      markRunning();
    },
  });
  const rows = async () => {
    // A sink that died mid-run must not read as a sink that stopped inserting.
    await Promise.race([helper.finished, Promise.resolve()]);
    return (latest?.tables ?? []).reduce((sum, table) => sum + table.inserted, 0);
  };
  return {
    name: 'ClickHouse sink',
    counters: [{ name: 'ClickHouse sink → rows inserted (server)', unit: 'rows', read: rows }],
    ready: () => Promise.race([running, helper.finished]),
    close: () => helper.stop(),
  };
}
