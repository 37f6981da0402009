import { rm, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import { createKafka, type KafkaAdminPort } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { kafkaClientEnv, startStack, type Stack } from '@fieldmesh/stack';
import type { BenchOptions } from './bench.options';
import { ratesBetween, snapshot, type CounterRate } from './counter.window';
import { summariseProfile, type ProfileSummary } from './cpu-profile.summary';
import { CpuProfiler } from './cpu.profiler';
import { LatencyProbe } from './latency.probe';
import { startLoad, type LoadSpec, type LoadSummary } from './load.process';
import { machineInfo, type MachineInfo } from './machine.info';
import { startBareBridge } from './stages/bare-bridge.stage';
import { startClickhouseSinkStage } from './stages/clickhouse-sink.stage';
import { startGatewayStage } from './stages/gateway.stage';
import type { Counter, PipelineStage, StageContext } from './stages/stage';
import { topicCounter } from './stages/topic.counter';
import { summarise, type LatencySummary } from './statistics';
import { waitUntil } from './wait';

export const RAW_CONTRACT = 'contracts/plant-telemetry/raw.yaml';
const BRIDGE_TOPIC = 'bench.bare-bridge.v1';
const SPARKPLUG_BATCH = 50;

export type Protocol = 'json' | 'sparkplug';
export type SystemUnderTest = 'gateway' | 'bare bridge';

export interface SaturationRun {
  protocol: Protocol;
  system: SystemUnderTest;
  /** What the load generator asked for and what the broker acknowledged (QoS 1) over its whole run. */
  load: LoadSummary & { targetPointsPerSecond: number };
  /** Seconds between the two counter snapshots: from the load's first second to its end. */
  windowSeconds: number;
  /** Every counter's rate in the window, upstream first. */
  stages: CounterRate[];
  /** Points per second acknowledged by Kafka in the window. */
  kafkaOutPerSecond: number;
  /** Rows per second the sink inserted into ClickHouse in the window (gateway runs). */
  clickhouseRowsPerSecond?: number;
  /** 1-minute load average when the load stopped: other work on the machine lowers every figure. */
  loadAverage1m: number;
  /** After the load stopped: how long the bench waited for the system to catch up, and what it left. */
  drain: { seconds: number; caughtUp: boolean; pointsNotForwarded: number };
}

export interface LatencyRun {
  pointsPerSecond: number;
  seconds: number;
  load: LoadSummary;
  /** Readings stamped in the load's first second (connections, first produce) are left out. */
  warmupExcluded: number;
  loadAverage1m: number;
  total: LatencySummary;
  toGateway: LatencySummary;
  toKafka: LatencySummary;
  toConsumer: LatencySummary;
}

export interface BenchResults {
  command: string;
  startedAt: string;
  machine: MachineInfo;
  options: BenchOptions;
  saturation: SaturationRun[];
  latency: LatencyRun;
  /** A consumer reading the product topic from the start with Avro decoding, timed from joining its group. */
  kafkaConsume: { records: number; seconds: number; recordsPerSecond: number };
  /** Self time in the bench process (the gateway) during the profiled runs, when --profile is given. */
  profiles: Array<{ run: string; file: string; summary: ProfileSummary }>;
  /** Stages not in this run yet, and why. */
  notMeasured: string[];
  seconds: number;
}

interface Bench {
  root: string;
  stack: Stack;
  context: (name: string) => Promise<StageContext>;
  admin: KafkaAdminPort;
  rawTopic: string;
  kafkaOut: Counter;
  sink: PipelineStage;
  options: BenchOptions;
  outDir: string;
  log: (line: string) => void;
}

/**
 * Starts a stack of its own, then measures: the gateway and a bare MQTT→Kafka bridge at saturation with
 * one reading per MQTT JSON message and with Sparkplug B DDATA of 50 metrics, the ClickHouse sink behind
 * the gateway, latency at a fixed rate, and a Kafka consumer. Load comes from the simulator's load mode
 * in another process; the gateway and the bridge run in this one, one after the other.
 */
export async function runBench(root: string, options: BenchOptions, log: (line: string) => void): Promise<BenchResults> {
  const started = Date.now();
  const machine = machineInfo();
  log(`machine: ${machine.cpus} × ${machine.cpuModel}, load average ${machine.loadAverage1m} (other processes compete for these cores)`);
  const outDir = join(root, '.fieldmesh', 'bench');
  await rm(join(outDir, 'state'), { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const stack = await startStack({
    dir: join(root, '.fieldmesh', 'bench-stack'),
    services: ['kafka', 'mosquitto', 'registry', 'clickhouse'],
    lifetime: 'session',
    log: (line) => log(`stack: ${line}`),
  });
  // The bench's data is thrown away with its stack: no need to give each service the default 15 s grace.
  const stopStack = async () => {
    for (const service of [...stack.state.services].reverse()) await stack.stopService(service.name, 3_000);
  };
  const cleanups: Array<() => Promise<unknown>> = [stopStack];
  try {
    const addresses = stack.addresses;
    if (!addresses.kafkaBrokers || !addresses.mqttUrl || !addresses.registryUrl)
      throw new Error('the bench stack has no Kafka, Mosquitto or registry address: its state.json is incomplete');
    const base = { kafkaBrokers: addresses.kafkaBrokers, mqttUrl: addresses.mqttUrl, registryUrl: addresses.registryUrl };
    // The stack's broker takes SASL_SSL only: this process's clients and the helper processes it starts log in as its admin.
    Object.assign(process.env, kafkaClientEnv(addresses));
    const context = async (name: string): Promise<StageContext> => {
      const stateDir = join(outDir, 'state', name);
      await mkdir(stateDir, { recursive: true });
      return { addresses: { ...addresses, ...base }, root, stateDir, log: (line) => log(`${name}: ${line}`) };
    };
    const admin = createKafka({ clientId: 'bench-admin', brokers: [base.kafkaBrokers] }).admin();
    await admin.connect();
    cleanups.unshift(() => admin.disconnect());
    const contract = loadContract(join(root, RAW_CONTRACT), root).contract;
    const rawTopic = contract.kafka.topic;
    // The product topic as the gateway would create it, and a topic like it for the bridge.
    const partitions = contract.kafka.partitions;
    await admin.createTopics([
      { topic: rawTopic, partitions, replicationFactor: contract.kafka.replicationFactor },
      { topic: BRIDGE_TOPIC, partitions, replicationFactor: contract.kafka.replicationFactor },
    ]);
    const sink = await startClickhouseSinkStage(await context('clickhouse-sink'), RAW_CONTRACT, rawTopic);
    cleanups.unshift(() => sink.close());
    await sink.ready();
    log('ClickHouse sink running (own process) on the product topic');
    const bench: Bench = { root, stack, context, admin, rawTopic, kafkaOut: topicCounter(admin, rawTopic, `Kafka ${rawTopic} (end offsets)`), sink, options, outDir, log };

    const saturation: SaturationRun[] = [];
    const profiles: BenchResults['profiles'] = [];
    for (const protocol of ['json', 'sparkplug'] as const) {
      const gatewayRun = await saturateGateway(bench, protocol, profiles);
      saturation.push(gatewayRun);
      saturation.push(await saturateBareBridge(bench, protocol));
    }
    const latency = await measureLatency(bench);
    const kafkaConsume = await measureConsume(bench);
    const results: BenchResults = {
      command: 'npm run bench',
      startedAt: new Date(started).toISOString(),
      machine,
      options,
      saturation,
      latency,
      kafkaConsume,
      profiles,
      notMeasured: [
        'domain jobs (plant-telemetry clean, energy) and the anomaly operator: not wired into the bench; each becomes one more PipelineStage between the product topic and the sink',
      ],
      seconds: Math.round((Date.now() - started) / 1000),
    };
    await writeFile(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    return results;
  } finally {
    log('stopping the sink and the stack');
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  }
}

function loadSpec(protocol: Protocol, options: BenchOptions, durationSeconds: number): LoadSpec {
  return {
    protocol,
    pointsPerSecond: protocol === 'json' ? options.jsonTargetRate : options.sparkplugTargetRate,
    durationSeconds,
    batchSize: SPARKPLUG_BATCH,
    wallClock: false,
  };
}

/** Load runs; counters are read once the generator publishes and again when it stops. */
async function measureWindow(bench: Bench, spec: LoadSpec, counters: Counter[], during?: { start(): Promise<void>; stop(): Promise<void> }) {
  const load = startLoad(bench.root, bench.stack.addresses.mqttUrl!, spec);
  await Promise.race([load.publishing, load.done]);
  await during?.start();
  const from = await snapshot(counters);
  const summary = await load.done;
  const to = await snapshot(counters);
  await during?.stop();
  const windowSeconds = (to.get(counters[0]!)!.atMs - from.get(counters[0]!)!.atMs) / 1000;
  return { summary, rates: ratesBetween(counters, from, to), windowSeconds, loadAverage1m: round(os.loadavg()[0]!) };
}

async function saturateGateway(bench: Bench, protocol: Protocol, profiles: BenchResults['profiles']): Promise<SaturationRun> {
  const spec = loadSpec(protocol, bench.options, bench.options.saturationSeconds);
  bench.log(`gateway, ${describeLoad(spec)}: saturating for ${spec.durationSeconds} s`);
  const stage = await startGatewayStage(await bench.context(`gateway-${protocol}`), `bench-${protocol}`);
  try {
    await stage.ready();
    const counters = [...stage.counters, bench.kafkaOut, ...bench.sink.counters];
    const profiler = new CpuProfiler();
    const profileFile = join(bench.outDir, `gateway-${protocol}.cpuprofile`);
    const during = bench.options.profile
      ? {
          start: () => profiler.start(),
          stop: async () => {
            const profile = await profiler.stop();
            await writeFile(profileFile, JSON.stringify(profile));
            profiles.push({ run: `gateway, ${describeLoad(spec)}`, file: profileFile, summary: summariseProfile(profile, bench.root) });
          },
        }
      : undefined;
    const window = await measureWindow(bench, spec, counters, during);
    // Let the gateway finish what the broker already holds for it, up to drainSeconds; a backlog that
    // would take longer at the rate just measured is not waited for.
    const rate = (name: string) => window.rates.find((r) => r.counter === name)?.perSecond ?? 0;
    const backlog = window.summary.points - stage.gateway.stats().forwarded;
    const drainMs = backlog / Math.max(1, rate(stage.counters[1]!.name)) <= bench.options.drainSeconds ? bench.options.drainSeconds * 1000 : 0;
    const drainStarted = performance.now();
    const caughtUp = await waitUntil(
      'the gateway forwarded everything it was sent',
      () => {
        const stats = stage.gateway.stats();
        return stats.received >= window.summary.points && stats.pending === 0;
      },
      drainMs,
    ).then(
      () => true,
      () => false,
    );
    const stats = stage.gateway.stats();
    return {
      protocol,
      system: 'gateway',
      load: { ...window.summary, targetPointsPerSecond: spec.pointsPerSecond },
      windowSeconds: round(window.windowSeconds),
      loadAverage1m: window.loadAverage1m,
      stages: window.rates,
      kafkaOutPerSecond: rate(bench.kafkaOut.name),
      clickhouseRowsPerSecond: rate(bench.sink.counters[0]!.name),
      drain: { seconds: round((performance.now() - drainStarted) / 1000), caughtUp, pointsNotForwarded: Math.max(0, window.summary.points - stats.forwarded) },
    };
  } finally {
    await stage.close();
  }
}

async function saturateBareBridge(bench: Bench, protocol: Protocol): Promise<SaturationRun> {
  const spec = loadSpec(protocol, bench.options, bench.options.bridgeSeconds);
  bench.log(`bare bridge, ${describeLoad(spec)}: saturating for ${spec.durationSeconds} s`);
  const stage = await startBareBridge(await bench.context(`bridge-${protocol}`), {
    filter: protocol === 'json' ? 'acme/#' : 'spBv1.0/#',
    topic: BRIDGE_TOPIC,
    // Births and deaths carry no new points; a DDATA carries one batch.
    pointsPerMessage: protocol === 'json' ? () => 1 : (topic) => (topic.includes('/DDATA/') ? SPARKPLUG_BATCH : 0),
  });
  try {
    await stage.ready();
    const window = await measureWindow(bench, spec, stage.counters);
    const forwarded = stage.counters[1]!;
    const drainStarted = performance.now();
    const caughtUp = await waitUntil('the bare bridge forwarded everything', async () => (await forwarded.read()) >= window.summary.points, bench.options.drainSeconds * 1000).then(
      () => true,
      () => false,
    );
    return {
      protocol,
      system: 'bare bridge',
      load: { ...window.summary, targetPointsPerSecond: spec.pointsPerSecond },
      windowSeconds: round(window.windowSeconds),
      loadAverage1m: window.loadAverage1m,
      stages: window.rates,
      kafkaOutPerSecond: window.rates[1]!.perSecond,
      drain: { seconds: round((performance.now() - drainStarted) / 1000), caughtUp, pointsNotForwarded: Math.max(0, window.summary.points - (await forwarded.read())) },
    };
  } finally {
    await stage.close();
  }
}

async function measureLatency(bench: Bench): Promise<LatencyRun> {
  const { latencyRate, latencySeconds } = bench.options;
  const spec: LoadSpec = { protocol: 'json', pointsPerSecond: latencyRate, durationSeconds: latencySeconds, batchSize: 1, wallClock: true };
  bench.log(`latency: ${describeLoad(spec)} at a fixed ${latencyRate} points/s for ${latencySeconds} s, stamped with the send time`);
  const gatewayId = 'bench-latency';
  const stage = await startGatewayStage(await bench.context('gateway-latency'), gatewayId);
  const addresses = bench.stack.addresses;
  const probe = await LatencyProbe.start(addresses.kafkaBrokers!, addresses.registryUrl!, bench.rawTopic, gatewayId);
  try {
    await stage.ready();
    const load = startLoad(bench.root, addresses.mqttUrl!, spec);
    await Promise.race([load.publishing, load.done]);
    const warmupUntil = Date.now();
    const summary = await load.done;
    await waitUntil('the latency probe read every reading', () => probe.samples.length >= summary.points, bench.options.drainSeconds * 1000).catch((error: unknown) =>
      bench.log(String(error)),
    );
    const measured = probe.samples.filter((sample) => sample.sourceTime >= warmupUntil);
    if (measured.length === 0) throw new Error('the latency probe read no reading of the latency run: see the gateway lines above');
    return {
      pointsPerSecond: latencyRate,
      seconds: latencySeconds,
      load: summary,
      warmupExcluded: probe.samples.length - measured.length,
      loadAverage1m: round(os.loadavg()[0]!),
      total: summarise(measured.map((s) => s.total)),
      toGateway: summarise(measured.map((s) => s.toGateway)),
      toKafka: summarise(measured.map((s) => s.toKafka)),
      toConsumer: summarise(measured.map((s) => s.toConsumer)),
    };
  } finally {
    await probe.close();
    await stage.close();
  }
}

/** A new consumer group reads the product topic from the start and decodes every record. */
async function measureConsume(bench: Bench): Promise<BenchResults['kafkaConsume']> {
  const total = await bench.kafkaOut.read();
  const limitMs = bench.options.consumeSeconds * 1000;
  bench.log(`Kafka consume: reading ${total} records of ${bench.rawTopic} with Avro decoding, at most ${bench.options.consumeSeconds} s`);
  const serde = new AvroSerde({ registryUrl: bench.stack.addresses.registryUrl!, clientId: 'bench-consume' });
  const consumer = createKafka({ clientId: 'bench-consume', brokers: [bench.stack.addresses.kafkaBrokers!] }).consumer({
    groupId: `bench-consume-${Date.now()}`,
    topics: [bench.rawTopic],
    fromBeginning: true,
    maxBatchRecords: 5000,
    maxWaitMs: 100,
  });
  let records = 0;
  let joined = 0;
  let last = 0;
  await consumer.connect();
  try {
    await consumer.run(async (batch) => {
      try {
        for (const record of batch.records) if (record.value) await serde.decode(record.value, { topic: bench.rawTopic });
      } catch (error) {
        bench.log(`Kafka consume: a batch failed to decode and is delivered again: ${String(error)}`);
        throw error;
      }
      records += batch.records.length;
      last = performance.now();
    });
    // From the joined group to the last record, as platform/kafka's client benchmark counts: the first
    // fetch of a long topic is part of consuming it.
    joined = performance.now();
    await waitUntil('the consumer read the whole topic', () => records >= total, limitMs).catch(() =>
      bench.log(`Kafka consume: ${records} of ${total} records read in ${bench.options.consumeSeconds} s`),
    );
  } finally {
    await consumer.disconnect();
  }
  const seconds = records === 0 ? 0 : (last - joined) / 1000;
  return { records, seconds: round(seconds), recordsPerSecond: seconds > 0 ? Math.round(records / seconds) : 0 };
}

function describeLoad(spec: LoadSpec): string {
  return spec.protocol === 'json' ? 'MQTT JSON, one reading per message' : `Sparkplug B, DDATA of ${spec.batchSize} metrics`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
