/**
 * Sinks every product with a contract into ClickHouse and prints per-table counts every 5 s; Ctrl-C
 * stops it and prints the example analyst queries' answers.
 *
 *   npx tsx connectors/clickhouse-sink/examples/sink-products.ts <brokers> <registryUrl> [clickhouseUrl user password]
 */
import { runAnalystQueries, startClickhouseSink } from '../src/index';

const [brokers = '127.0.0.1:9092', registryUrl = 'http://127.0.0.1:8081', url, username, password] = process.argv.slice(2);
const sink = await startClickhouseSink({
  kafka: { brokers: brokers.split(',') },
  registryUrl,
  clickhouse: url ? { url, username: username ?? 'default', password: password ?? '' } : { chdbPath: '.fieldmesh/chdb-example' },
});
const timer = setInterval(() => {
  const stats = sink.stats();
  console.log(`${stats.backend} ${stats.serverVersion}: ${stats.tables.map((t) => `${t.table}=${t.inserted}`).join(' ')}`);
}, 5_000);
async function answerAndClose(): Promise<void> {
  for (const result of await runAnalystQueries(sink.warehouse.client, { database: sink.stats().database })) {
    console.log(`\n${result.name}: ${result.description}`);
    console.table(result.rows);
  }
  await sink.close();
}
process.once('SIGINT', () => {
  clearInterval(timer);
  // A failure here is unhandled on purpose: the example exits printing it.
  void answerAndClose();
});
