/**
 * The ClickHouse sink in a process of its own for the bench (it must not share the gateway's event
 * loop). Argument: the sink config as JSON. Writes its stats as one JSON line every 500 ms (the first
 * once it runs) and stops cleanly on SIGTERM.
 */
import { join } from 'node:path';
import { startClickhouseSink, type ClickhouseSinkConfig } from '@fieldmesh/connector-clickhouse-sink';
import { loadContract } from '@fieldmesh/governance';

const config = JSON.parse(process.argv[2] ?? '{}') as ClickhouseSinkConfig & { contractsRoot: string };
const contract = loadContract(join(config.contractsRoot, process.argv[3] ?? ''), config.contractsRoot);
const sink = await startClickhouseSink(config, { contracts: [contract], warn: (message) => console.error(message) });
const report = () => process.stdout.write(`${JSON.stringify(sink.stats())}\n`);
report();
const timer = setInterval(report, 500);
process.once('SIGTERM', () => {
  clearInterval(timer);
  void sink.close().then(() => {
    report();
    process.exit(0);
  });
});
