import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { connectorCatalog, Gateway } from '@fieldmesh/edge-gateway';
import { createKafka, dlqTopicFor } from '@fieldmesh/kafka';
import { startSimulator } from '@fieldmesh/simulator';
import { findFreePort, REPO_ROOT, type Stack } from '@fieldmesh/testing';
import { gatewayConfigFor } from '../plant-gateway.config';
import type { Output } from '../stack.commands';
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
}

const rawTopic = 'plant.telemetry.raw.v1';

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
  const opcuaPort = await findFreePort();
  const gateway = await Gateway.start(
    gatewayConfigFor({ gatewayId: 'gw-berlin-1', stateDir: join(options.stateDir, 'gateway'), kafkaBrokers: brokers, registryUrl: addresses.registryUrl!, mqttUrl: addresses.mqttUrl!, opcuaEndpoint: `opc.tcp://127.0.0.1:${opcuaPort}` }),
    { root: REPO_ROOT, connectors: connectorCatalog, log: (line) => output.err(`  gateway: ${line}`) },
  );
  const kafka = createKafka({ clientId: 'fieldmesh-main-job', brokers: [brokers] });
  const admin = kafka.admin();
  await admin.connect();
  const offsetsBefore = await endOffsetTotal(admin, rawTopic);
  const dlqBefore = await endOffsetTotal(admin, dlqTopicFor(rawTopic));
  // The gateway subscribes before the plant publishes, so no MQTT reading predates its session.
  await waitUntil(() => {
    const connectors = gateway.health().connectors as Record<string, boolean>;
    return connectors['plant-json'] === true && connectors['plant-sparkplug'] === true;
  }, 30_000);
  const simulator = await startSimulator({
    seed: 42,
    plant: { linesPerSite: 2 },
    rate: 1,
    mqtt: { url: addresses.mqttUrl! },
    json: true,
    sparkplug: true,
    opcua: { port: opcuaPort },
    stateDir: join(options.stateDir, 'simulator'),
  });
  const injector = new FailureInjector(simulator, { firstAfterSeconds: 20, everySeconds: 60, durationSeconds: 40 });
  injector.start();
  output.err(`Main job running: ${simulator.plant.assets.length} assets on MQTT JSON, Sparkplug B and OPC UA → gateway → Kafka. ${options.durationSeconds ? `Stops after ${options.durationSeconds} s` : 'Ctrl-C stops it'} and prints a report.`);

  const meter = new RateMeter();
  const started = Date.now();
  const progress = setInterval(() => {
    const plant = simulator.stats().published;
    const plantTotal = plant['mqtt-json'] + plant.sparkplug + plant.opcua;
    const g = gateway.stats();
    output.err(
      `[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] plant ${meter.rate('plant', plantTotal).toFixed(0)}/s → gateway ${meter.rate('in', g.received).toFixed(0)}/s (dlq ${g.deadLettered}) → kafka ${meter.rate('out', g.forwarded).toFixed(0)}/s | buffer ${g.pending} pending | failures injected ${injector.injected.length}`,
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
  const report: MainJobReport = {
    seconds: Math.round((Date.now() - started) / 1000),
    plant: { published: plant.published, badInputs: plant.badInputs },
    gateway: gateway.stats(),
    kafka: { [rawTopic]: (await endOffsetTotal(admin, rawTopic)) - offsetsBefore, [dlqTopicFor(rawTopic)]: (await endOffsetTotal(admin, dlqTopicFor(rawTopic))) - dlqBefore },
    failures: injector.injected.length,
  };
  await admin.disconnect();
  output.out(formatReport(report));
  return report;
}

function countPublishedMqtt(published: Record<string, number>): number {
  return (published['mqtt-json'] ?? 0) + (published.sparkplug ?? 0);
}

async function endOffsetTotal(admin: { fetchTopicEndOffsets(topic: string): Promise<Array<{ offset: string }>> }, topic: string): Promise<number> {
  try {
    return (await admin.fetchTopicEndOffsets(topic)).reduce((sum, p) => sum + Number(p.offset), 0);
  } catch {
    return 0; // the topic does not exist yet: nothing in it
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
