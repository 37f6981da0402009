import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { connectorCatalog, Gateway } from '@fieldmesh/edge-gateway';
import { runAnalystQueries } from '@fieldmesh/connector-clickhouse-sink';
import { evaluateAlerts } from '@fieldmesh/domain-asset-health';
import { loadAllContracts, provisionProduct } from '@fieldmesh/governance';
import { createKafka, dlqTopicFor, type KafkaAdminPort } from '@fieldmesh/kafka';
import { startSimulator } from '@fieldmesh/simulator';
import { findFreePort, REPO_ROOT, type Stack } from '@fieldmesh/testing';
import { gatewayConfigFor } from '../plant-gateway.config';
import type { Output } from '../stack.commands';
import { startDataProducts } from './data-products';
import { FailureInjector } from './failure.injector';
import { RateMeter } from './progress.meter';
import { formatReport, type MainJobReport } from './report';

export interface MainJobOptions {
  stack: Stack;
  /** Where the gateway and simulator keep their state for this run. */
  stateDir: string;
  durationSeconds?: number;
  signal: AbortSignal;
  output: Output;
  progressEverySeconds?: number;
  /** Simulated seconds per wall-clock second: at 10, a two-minute run closes one 15-minute energy window. */
  speed?: number;
}

/**
 * The whole pipeline on a simulated plant: the simulator speaks MQTT JSON, Sparkplug B and OPC UA to the
 * gateway, which publishes Avro telemetry to Kafka through the registry. Prints progress while it runs
 * and, when stopped, a report that accounts for every message.
 */
export async function runMainJob(options: MainJobOptions): Promise<MainJobReport> {
  const { output } = options;
  const addresses = options.stack.addresses;
  const brokers = addresses.kafkaBrokers!;
  await mkdir(options.stateDir, { recursive: true });
  const kafka = createKafka({ clientId: 'fieldmesh-main-job', brokers: [brokers] });
  const admin = kafka.admin();
  await admin.connect();
  // Every product exists as its contract says before anything produces or consumes: topics with their
  // retention, DLQs, registry compatibility and schemas (what `fieldmesh products apply` does).
  const contracts = await loadAllContracts(REPO_ROOT);
  for (const loaded of contracts) await provisionProduct(loaded, { admin, registryUrl: addresses.registryUrl! });
  const topics = contracts.flatMap((loaded) => [loaded.contract.kafka.topic, dlqTopicFor(loaded.contract.kafka.topic)]);
  const before = await endOffsets(admin, topics);
  output.err('Starting the data products: plant-telemetry, energy, asset-health (anomaly operator) and the ClickHouse sink (chDB)...');
  const products = await startDataProducts({ kafka, brokers, registryUrl: addresses.registryUrl!, stateDir: options.stateDir, warn: (line) => output.err(`  ${line}`) });
  const opcuaPort = await findFreePort();
  const gateway = await Gateway.start(
    gatewayConfigFor({ gatewayId: 'gw-berlin-1', stateDir: join(options.stateDir, 'gateway'), kafkaBrokers: brokers, registryUrl: addresses.registryUrl!, mqttUrl: addresses.mqttUrl!, opcuaEndpoint: `opc.tcp://127.0.0.1:${opcuaPort}` }),
    { root: REPO_ROOT, connectors: connectorCatalog, log: (line) => output.err(`  gateway: ${line}`), lineage: products.lineage },
  );
  // The gateway subscribes before the plant publishes, so no MQTT reading predates its session.
  await waitUntil(() => {
    const connectors = gateway.health().connectors as Record<string, boolean>;
    return connectors['plant-json'] === true && connectors['plant-sparkplug'] === true;
  }, 30_000);
  const simulator = await startSimulator({
    seed: 42,
    plant: { linesPerSite: 2 },
    rate: 1,
    speed: options.speed ?? 10,
    mqtt: { url: addresses.mqttUrl! },
    json: true,
    sparkplug: true,
    opcua: { port: opcuaPort },
    stateDir: join(options.stateDir, 'simulator'),
  });
  // Episodes last 400 plant-seconds: longer than a bearing's thermal lag (240 s), so overheating shows.
  const injector = new FailureInjector(simulator, { firstAfterSeconds: 10, everySeconds: 45, durationSeconds: 400 });
  injector.start();
  output.err(`Main job running: ${simulator.plant.assets.length} assets on MQTT JSON, Sparkplug B and OPC UA → gateway → Kafka. ${options.durationSeconds ? `Stops after ${options.durationSeconds} s` : 'Ctrl-C stops it'} and prints a report.`);

  const meter = new RateMeter();
  const started = Date.now();
  const progress = setInterval(() => {
    const plant = simulator.stats().published;
    const plantTotal = plant['mqtt-json'] + plant.sparkplug + plant.opcua;
    const g = gateway.stats();
    const clean = products.plantTelemetry.stats().job;
    const health = products.assetHealth.stats();
    const rows = products.sink.stats().tables.reduce((sum, t) => sum + t.inserted, 0);
    output.err(
      `[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] plant ${meter.rate('plant', plantTotal).toFixed(0)}/s → gateway ${meter.rate('in', g.received).toFixed(0)}/s (dlq ${g.deadLettered}, buffer ${g.pending}) → kafka ${meter.rate('out', g.forwarded).toFixed(0)}/s → clean ${meter.rate('clean', clean.recordsOut).toFixed(0)}/s → features ${meter.rate('features', health.featuresJob.recordsOut).toFixed(0)}/s → scores ${meter.rate('scores', health.operatorJob.recordsOut).toFixed(0)}/s | clickhouse ${meter.rate('rows', rows).toFixed(0)} rows/s | failures ${injector.injected.length}, alerts open ${health.openAlerts}`,
    );
  }, (options.progressEverySeconds ?? 5) * 1000);

  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.durationSeconds ? options.durationSeconds * 1000 : 2 ** 31 - 1);
    options.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
  clearInterval(progress);
  injector.stop();
  output.err('Stopping the plant and draining the gateway...');
  await simulator.stop();
  const plant = simulator.stats();
  // Let the sources deliver what is in flight, then let the buffer drain to Kafka.
  await waitUntil(() => gateway.stats().pending === 0 && gateway.stats().received >= countPublishedMqtt(plant.published), 30_000).catch(() => undefined);
  await gateway.close();
  output.err('Letting the data products and the sink catch up...');
  // The sink of this run starts a fresh warehouse from the start of every topic: it must end up with
  // everything the topics hold, earlier runs' records included.
  const sunk = () => Object.fromEntries(products.sink.stats().tables.map((t) => [t.topic, t.inserted + t.deadLettered]));
  let kafkaTotals = await endOffsets(admin, topics);
  await waitUntil(async () => {
    kafkaTotals = await endOffsets(admin, topics);
    const rows = sunk();
    return products.sink.stats().tables.every((t) => (rows[t.topic] ?? 0) >= (kafkaTotals[t.topic] ?? 0));
  }, 90_000).catch(() => output.err('  the sink did not catch up within 90 s: the report shows where it stands'));
  const sink = products.sink.stats();
  const analystQueries = await runAnalystQueries(products.sink.warehouse.client, { database: sink.database }).catch((error: unknown) => {
    output.err(`  analyst queries failed: ${String(error)}`);
    return [];
  });
  const events = products.assetHealth.alerts().flatMap((alert) => alert.history);
  // An episode still under way when the plant stopped has had no chance to be judged: score the finished ones.
  const finished = injector.injected.filter((episode) => episode.endMs <= (plant.plantTimeMs ?? 0));
  const report: MainJobReport = {
    seconds: Math.round((Date.now() - started) / 1000),
    plant: { published: plant.published, badInputs: plant.badInputs },
    gateway: gateway.stats(),
    kafka: delta(kafkaTotals, before),
    kafkaTotals,
    warehouse: Object.fromEntries(sink.tables.map((t) => [t.topic, { table: `${sink.database}.${t.table}`, rows: t.inserted, deadLettered: t.deadLettered }])),
    failures: injector.injected.length,
    detection: evaluateAlerts(finished, events, { graceMs: 120_000, assetHoursNormal: 0, windows: { normalWindows: 0, normalAnomalous: 0 } }),
    models: products.assetHealth.models(),
    analystQueries: analystQueries.map((q) => ({ name: q.name, rows: q.rows })),
  };
  await products.close();
  await admin.disconnect();
  output.out(formatReport(report));
  return report;
}

async function endOffsets(admin: KafkaAdminPort, topics: string[]): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(topics.map(async (topic) => [topic, await endOffsetTotal(admin, topic)] as const)));
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([topic, count]) => [topic, count - (before[topic] ?? 0)]));
}

function countPublishedMqtt(published: Record<string, number>): number {
  return (published['mqtt-json'] ?? 0) + (published.sparkplug ?? 0);
}

async function endOffsetTotal(admin: KafkaAdminPort, topic: string): Promise<number> {
  try {
    return (await admin.fetchTopicEndOffsets(topic)).reduce((sum, p) => sum + Number(p.offset), 0);
  } catch {
    return 0; // the topic does not exist yet: nothing in it
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
