/**
 * The ClickHouse sink as a process of its own, the entry point of its container (elsewhere it runs inside
 * the main job): `tsx deploy/containers/src/clickhouse-sink.main.ts --config sink.yaml`, the file holding
 * connectors/clickhouse-sink's config (docs/components/clickhouse.md); FIELDMESH_CLICKHOUSE_PASSWORD, when set,
 * is the server password (kept out of the file, as a Kubernetes Secret gives it). Serves /metrics and /health;
 * stops on SIGTERM after its batch in flight is committed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigInvalid, loadConfig } from '@fieldmesh/config';
import { clickhouseSinkConfigSchema, startClickhouseSink, type ClickhouseSinkConfig, type ClickhouseSinkHandle } from '@fieldmesh/connector-clickhouse-sink';
import { createKafka } from '@fieldmesh/kafka';
import { lineageEmitter } from '@fieldmesh/lineage';
import { startObservabilityServer } from '@fieldmesh/observability';
import { Gauge, Registry } from 'prom-client';
import { parse as parseYaml } from 'yaml';

const USAGE = `Usage: tsx deploy/containers/src/clickhouse-sink.main.ts --config <sink.yaml> [--metrics-host 0.0.0.0] [--metrics-port 9466]`;

/** The sink's table counters in Prometheus names, read from its stats at each scrape. */
function sinkMetrics(sink: ClickhouseSinkHandle): Registry {
  const registry = new Registry();
  const counters = {
    inserted: 'rows written',
    skippedStored: 'records skipped as already stored (replays)',
    deadLettered: 'records dead-lettered',
    inserts: 'INSERT statements',
  } as const;
  for (const [stat, help] of Object.entries(counters) as Array<[keyof typeof counters, string]>) {
    new Gauge({
      name: `fieldmesh_sink_${stat.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}_total`,
      help: `ClickHouse sink: ${help} since the process started, per table`,
      labelNames: ['topic', 'table'],
      registers: [registry],
      collect() {
        for (const table of sink.stats().tables) this.set({ topic: table.topic, table: table.table }, table[stat]);
      },
    });
  }
  return registry;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, 'metrics-host': { type: 'string' }, 'metrics-port': { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || !values.config) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  const file = parseYaml(readFileSync(values.config, 'utf8')) as ClickhouseSinkConfig;
  const password = process.env.FIELDMESH_CLICKHOUSE_PASSWORD;
  // Checked before anything connects, so that a bad file is reported field by field (exit code 2).
  const config = loadConfig(clickhouseSinkConfigSchema, password ? { ...file, clickhouse: { ...file.clickhouse, password } } : file, `ClickHouse sink config ${values.config}`);
  const lineage = lineageEmitter({ kafka: createKafka({ clientId: 'fieldmesh-clickhouse-sink-lineage', brokers: config.kafka.brokers }) });
  const sink = await startClickhouseSink(config, { lineage });
  const server = await startObservabilityServer(values['metrics-host'] ?? '127.0.0.1', Number(values['metrics-port'] ?? 9466), sinkMetrics(sink), () => ({
    status: 'ok',
    backend: sink.stats().backend,
    tables: sink.stats().tables.length,
  }));
  console.error(`clickhouse sink running; metrics and health at ${server.url}`);
  await new Promise<void>((stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sink.close();
  await lineage.close();
  await server.close();
  return 0;
}

const code = await main(process.argv.slice(2)).catch((error: unknown) => {
  if (!(error instanceof ConfigInvalid)) throw error;
  // The message names each bad field; a stack trace would only hide it.
  console.error(error.message);
  return 2;
});
process.exit(code);
