/**
 * The ClickHouse sink as its own process, so the faults suite can kill -9 it: argv[2] is the sink config
 * as JSON. Logs `sink ready` once it consumes; SIGTERM closes it cleanly, SIGKILL is the crash under test.
 */
import { startClickhouseSink, type ClickhouseSinkConfig } from '@fieldmesh/connector-clickhouse-sink';

const config = JSON.parse(process.argv[2]!) as ClickhouseSinkConfig;
const sink = await startClickhouseSink(config, { warn: (message) => console.error(`[clickhouse-sink] ${message}`) });
console.error('sink ready');
process.once('SIGTERM', () => {
  void sink.close().then(() => process.exit(0));
});
