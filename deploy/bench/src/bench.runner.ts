import { rm, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import { createKafka, type KafkaAdminPort } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { kafkaClientEnv, registryClientEnv, startStack, type Stack } from '@fieldmesh/stack';
import type { BenchOptions } from './bench.options';
import { ratesBetween, snapshot, type CounterRate } from './counter.window';
import { summariseProfile, type ProfileSummary } from './cpu-profile.summary';
import { cpuPerPoint, followProcessCpu, sampleCpu, type CpuPerPoint } from './cpu.meter';
import { CpuProfiler } from './cpu.profiler';
import { SECURITY_LABELS, startBenchBroker, type DataPlane, type Security } from './data.plane';
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
/** 'gateway, raw.v2': the gateway publishing plant.telemetry.raw.v2 batches (one record per DDATA) instead of raw.v1 records. */
export type SystemUnderTest = 'gateway' | 'gateway, raw.v2' | 'bare bridge';

export interface SaturationRun {
  protocol: Protocol;
  system: SystemUnderTest;
  /** Which listeners every client of the run used: MQTT mTLS + Kafka SASL_SSL, or both PLAINTEXT. */
  security: Security;
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
  /**
   * CPU time per point acknowledged by Kafka in the window (µs). At saturation the gateway takes in more
   * than it forwards and backlogs grow, so compare the fixed-rate runs' figures (LatencyRun.cpu) instead.
   */
  cpu: CpuPerPoint;
  /** After the load stopped: how long the bench waited for the system to catch up, and what it left. */
  drain: { seconds: number; caughtUp: boolean; pointsNotForwarded: number };
}

/** A fixed rate below saturation, stamped with the send time: latency, and CPU per point at a steady state. */
export interface LatencyRun {
  protocol: Protocol;
  security: Security;
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
  /** CPU time per reading measured (µs), from the end of the first second until the probe read the last one. */
  cpu: CpuPerPoint;
}

export interface BenchResults {
  command: string;
  startedAt: string;
  machine: MachineInfo;
  options: BenchOptions;
  saturation: SaturationRun[];
  /** One fixed-rate run per protocol and side. */
  latency: LatencyRun[];
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
  /** The sides to measure, secure first. */
  planes: DataPlane[];
  /** Processes whose CPU time each run reports (the gateway is this process). */
  pids: () => Record<string, number | undefined>;
  context: (name: string, plane: DataPlane) => Promise<StageContext>;
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
 *
 * The cost of security: each gateway run and the latency run go once per side, secure (MQTT over mTLS
 * with a topic ACL, Kafka over SASL_SSL) and plain (both PLAINTEXT, anonymous), through the same Mosquitto
 * and Kafka processes (two listeners each), with the CPU time each spent per point. The bare bridge, the
 * ClickHouse sink and the consume measurement run once, on the first side.
 */
export async function runBench(root: string, options: BenchOptions, log: (line: string) => void): Promise<BenchResults> {
  const started = Date.now();
  const machine = machineInfo();
  log(`machine: ${machine.cpus} × ${machine.cpuModel}, load average ${machine.loadAverage1m} (other processes compete for these cores)`);
  const outDir = join(root, '.fieldmesh', 'bench');
  await rm(join(outDir, 'state'), { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const wanted: Security[] = options.security === 'both' ? ['secure', 'plain'] : [options.security];
  // No stack Mosquitto: the bench runs one of its own with a plain and an mTLS listener (data.plane.ts).
  const stack = await startStack({
    dir: join(root, '.fieldmesh', 'bench-stack'),
    services: ['kafka', 'registry', 'clickhouse'],
    lifetime: 'session',
    log: (line) => log(`stack: ${line}`),
    ...(wanted.includes('plain') ? { kafka: { plaintextListener: true } } : {}),
  });
  // The bench's data is thrown away with its stack: no need to give each service the default 15 s grace.
  const stopStack = async () => {
    for (const service of [...stack.state.services].reverse()) await stack.stopService(service.name, 3_000);
  };
  const cleanups: Array<() => Promise<unknown>> = [stopStack];
  try {
    const addresses = stack.addresses;
    if (!addresses.kafkaBrokers || !addresses.registryUrl) throw new Error('the bench stack has no Kafka or registry address: its state.json is incomplete');
    const base = { kafkaBrokers: addresses.kafkaBrokers, registryUrl: addresses.registryUrl };
    // Clients given no security of their own (the admin, the sink, the consume measurement) log in to the SASL_SSL listener as the stack's admin.
    Object.assign(process.env, kafkaClientEnv(addresses));
    // Its registry is governed: registry clients write with the stack's token (the lead's: provisioning sets compatibility levels).
    Object.assign(process.env, registryClientEnv(addresses, 'lead'));
    const broker = await startBenchBroker(stack, join(outDir, 'broker'), wanted);
    cleanups.unshift(() => broker.mosquitto.stop());
    const planes = wanted.map((security) => broker.planes[security]!);
    log(
      `MQTT: ${broker.mosquitto.tlsUrl} (mTLS, ACL) and ${broker.mosquitto.url} (plain); Kafka: ${planes.map((plane) => `${plane.kafkaBrokers} (${plane.kafkaSecurity.protocol})`).join(' and ')}`,
    );
    const kafkaPid = () => stack.state.services.find((service) => service.name === 'kafka')?.process?.pid;
    const pids = () => ({ gateway: process.pid, mosquitto: broker.mosquitto.pid, kafka: kafkaPid() });
    const context = async (name: string, plane: DataPlane): Promise<StageContext> => {
      const stateDir = join(outDir, 'state', name);
      await mkdir(stateDir, { recursive: true });
      return { addresses: { ...addresses, ...base }, plane, root, stateDir, log: (line) => log(`${name}: ${line}`) };
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
    const sink = await startClickhouseSinkStage(await context('clickhouse-sink', planes[0]!), RAW_CONTRACT, rawTopic);
    cleanups.unshift(() => sink.close());
    await sink.ready();
    log('ClickHouse sink running (own process) on the product topic');
    const bench: Bench = {
      root,
      stack,
      planes,
      pids,
      context,
      admin,
      rawTopic,
      kafkaOut: topicCounter(admin, rawTopic, `Kafka ${rawTopic} (end offsets)`),
      sink,
      options,
      outDir,
      log,
    };

    const saturation: SaturationRun[] = [];
    const profiles: BenchResults['profiles'] = [];
    await warmUp(bench);
    for (const protocol of ['json', 'sparkplug'] as const) {
      // The two sides back to back, in turn first, so that neither always follows the other.
      const order = protocol === 'json' ? planes : [...planes].reverse();
      for (const plane of order) saturation.push(await saturateGateway(bench, protocol, plane, profiles));
      saturation.push(await saturateBareBridge(bench, protocol, planes[0]!));
    }
    saturation.push(await saturateGateway(bench, 'sparkplug', planes[0]!, profiles, 'raw.v2'));
    // The sink would still be catching up on the saturation runs' backlog and its CPU time would count
    // against the fixed-rate runs, which measure MQTT → Kafka only.
    await sink.close();
    log('ClickHouse sink stopped: the fixed-rate runs measure MQTT → Kafka');
    const latency: LatencyRun[] = [];
    for (const protocol of ['json', 'sparkplug'] as const) {
      const order = protocol === 'json' ? planes : [...planes].reverse();
      for (const plane of order) latency.push(await measureLatency(bench, plane, protocol));
    }
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
        "the peer Telegraf (inputs.mqtt_consumer → outputs.kafka, built from its Go module outside the repository): not built or run by the bench yet, so no ratio to Telegraf's points per CPU-second is reported",
        'OPC UA, and the gateway with 10,000 subscribed signals (resident memory over time): no stage yet',
        ...(planes.length > 1
          ? [
              "cost of Kafka ACLs: both sides' clients are super users (the stack's admin over SASL_SSL, ANONYMOUS on PLAINTEXT), so the authorizer never evaluates an ACL; the main job's per-component principals are not in the bench",
              'the ClickHouse sink and the consume measurement read over SASL_SSL on both sides; only MQTT → gateway → Kafka (and the latency probe) switch',
              'TLS session setup: every client connects once per run, so the figures are the steady-state cost of encryption and not of handshakes (reconnect storms cost more)',
            ]
          : []),
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

/** A few seconds of MQTT JSON through a gateway, not measured, so that the first measured run does not pay for compiling the gateway's code. */
async function warmUp(bench: Bench): Promise<void> {
  const plane = bench.planes.at(-1)!;
  const spec = { ...loadSpec('json', bench.options, 3), pointsPerSecond: Math.min(bench.options.jsonTargetRate, 20_000) };
  bench.log(`warm-up, not measured: ${describeLoad(spec)} at ${spec.pointsPerSecond} points/s for ${spec.durationSeconds} s (${SECURITY_LABELS[plane.security]})`);
  const stage = await startGatewayStage(await bench.context('gateway-warm-up', plane), 'bench-warm-up');
  try {
    await stage.ready();
    await startLoad(bench.root, plane, spec).done;
  } finally {
    await stage.close();
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

/**
 * Load runs; counters and CPU times are read once the generator publishes and again when it stops.
 * `delivered` is the counter whose points the CPU time is divided by.
 */
async function measureWindow(bench: Bench, plane: DataPlane, spec: LoadSpec, counters: Counter[], delivered: Counter, during?: { start(): Promise<void>; stop(): Promise<void> }) {
  const load = startLoad(bench.root, plane, spec);
  const generator = followProcessCpu(load.process.pid);
  const cpu = () => {
    const sample = sampleCpu(bench.pids());
    return { ...sample, processes: { ...sample.processes, 'load generator': generator.read() } };
  };
  await Promise.race([load.publishing, load.done]);
  await during?.start();
  const cpuFrom = cpu();
  const from = await snapshot(counters);
  const summary = await load.done.finally(() => generator.stop());
  const to = await snapshot(counters);
  const cpuTo = cpu();
  await during?.stop();
  const windowSeconds = (to.get(counters[0]!)!.atMs - from.get(counters[0]!)!.atMs) / 1000;
  const points = to.get(delivered)!.count - from.get(delivered)!.count;
  return { summary, rates: ratesBetween(counters, from, to), windowSeconds, loadAverage1m: round(os.loadavg()[0]!), cpu: cpuPerPoint(cpuFrom, cpuTo, points, windowSeconds) };
}

async function saturateGateway(
  bench: Bench,
  protocol: Protocol,
  plane: DataPlane,
  profiles: BenchResults['profiles'],
  contract: 'raw.v1' | 'raw.v2' = 'raw.v1',
): Promise<SaturationRun> {
  const spec = loadSpec(protocol, bench.options, bench.options.saturationSeconds);
  const batched = contract === 'raw.v2';
  const system: SystemUnderTest = batched ? 'gateway, raw.v2' : 'gateway';
  const name = `gateway-${protocol}-${plane.security}${batched ? '-raw-v2' : ''}`;
  bench.log(`${system}, ${describeLoad(spec)}, ${SECURITY_LABELS[plane.security]}: saturating for ${spec.durationSeconds} s`);
  const stage = await startGatewayStage(await bench.context(name, plane), `bench-${name.slice('gateway-'.length)}`, contract);
  try {
    await stage.ready();
    // raw.v2 records are batches on another topic, which the sink does not read: the gateway's own count of points Kafka acknowledged stands for Kafka's.
    const delivered = batched ? stage.counters[1]! : bench.kafkaOut;
    const counters = batched ? stage.counters : [...stage.counters, bench.kafkaOut, ...bench.sink.counters];
    const profiler = new CpuProfiler();
    const profileFile = join(bench.outDir, `${name}.cpuprofile`);
    const during = bench.options.profile
      ? {
          start: () => profiler.start(),
          stop: async () => {
            const profile = await profiler.stop();
            await writeFile(profileFile, JSON.stringify(profile));
            profiles.push({ run: `${system}, ${describeLoad(spec)}, ${SECURITY_LABELS[plane.security]}`, file: profileFile, summary: summariseProfile(profile, bench.root) });
          },
        }
      : undefined;
    const window = await measureWindow(bench, plane, spec, counters, delivered, during);
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
      system,
      security: plane.security,
      load: { ...window.summary, targetPointsPerSecond: spec.pointsPerSecond },
      windowSeconds: round(window.windowSeconds),
      loadAverage1m: window.loadAverage1m,
      cpu: window.cpu,
      stages: window.rates,
      kafkaOutPerSecond: rate(delivered.name),
      ...(batched ? {} : { clickhouseRowsPerSecond: rate(bench.sink.counters[0]!.name) }),
      drain: { seconds: round((performance.now() - drainStarted) / 1000), caughtUp, pointsNotForwarded: Math.max(0, window.summary.points - stats.forwarded) },
    };
  } finally {
    await stage.close();
  }
}

async function saturateBareBridge(bench: Bench, protocol: Protocol, plane: DataPlane): Promise<SaturationRun> {
  const spec = loadSpec(protocol, bench.options, bench.options.bridgeSeconds);
  bench.log(`bare bridge, ${describeLoad(spec)}, ${SECURITY_LABELS[plane.security]}: saturating for ${spec.durationSeconds} s`);
  const stage = await startBareBridge(await bench.context(`bridge-${protocol}`, plane), {
    filter: protocol === 'json' ? 'acme/#' : 'spBv1.0/#',
    topic: BRIDGE_TOPIC,
    // Births and deaths carry no new points; a DDATA carries one batch.
    pointsPerMessage: protocol === 'json' ? () => 1 : (topic) => (topic.includes('/DDATA/') ? SPARKPLUG_BATCH : 0),
  });
  try {
    await stage.ready();
    const window = await measureWindow(bench, plane, spec, stage.counters, stage.counters[1]!);
    const forwarded = stage.counters[1]!;
    const drainStarted = performance.now();
    const caughtUp = await waitUntil('the bare bridge forwarded everything', async () => (await forwarded.read()) >= window.summary.points, bench.options.drainSeconds * 1000).then(
      () => true,
      () => false,
    );
    return {
      protocol,
      system: 'bare bridge',
      security: plane.security,
      load: { ...window.summary, targetPointsPerSecond: spec.pointsPerSecond },
      windowSeconds: round(window.windowSeconds),
      loadAverage1m: window.loadAverage1m,
      cpu: window.cpu,
      stages: window.rates,
      kafkaOutPerSecond: window.rates[1]!.perSecond,
      drain: { seconds: round((performance.now() - drainStarted) / 1000), caughtUp, pointsNotForwarded: Math.max(0, window.summary.points - (await forwarded.read())) },
    };
  } finally {
    await stage.close();
  }
}

async function measureLatency(bench: Bench, plane: DataPlane, protocol: Protocol): Promise<LatencyRun> {
  const { latencyRate, latencySeconds } = bench.options;
  const spec: LoadSpec = { protocol, pointsPerSecond: latencyRate, durationSeconds: latencySeconds, batchSize: protocol === 'json' ? 1 : SPARKPLUG_BATCH, wallClock: true };
  bench.log(`fixed rate, ${SECURITY_LABELS[plane.security]}: ${describeLoad(spec)} at ${latencyRate} points/s for ${latencySeconds} s, stamped with the send time`);
  const gatewayId = `bench-latency-${protocol}-${plane.security}`;
  const stage = await startGatewayStage(await bench.context(`gateway-latency-${protocol}-${plane.security}`, plane), gatewayId);
  const probe = await LatencyProbe.start({ brokers: plane.kafkaBrokers, security: plane.kafkaSecurity }, bench.stack.addresses.registryUrl!, bench.rawTopic, gatewayId);
  try {
    await stage.ready();
    const load = startLoad(bench.root, plane, spec);
    const generator = followProcessCpu(load.process.pid);
    const cpu = () => {
      const sample = sampleCpu(bench.pids());
      return { ...sample, processes: { ...sample.processes, 'load generator': generator.read() } };
    };
    await Promise.race([load.publishing, load.done]);
    const warmupUntil = Date.now();
    const cpuFrom = cpu();
    const fromMs = performance.now();
    const summary = await load.done.finally(() => generator.stop());
    // The CPU window closes once the probe has read nothing new for a moment: an idle tail (the probe
    // misses the readings sent before its group joined, so it never reads them all) would add idle CPU.
    let seen = -1;
    let quietSince = performance.now();
    await waitUntil(
      'the latency probe read every reading',
      () => {
        if (probe.samples.length >= summary.points) return true;
        if (probe.samples.length !== seen) [seen, quietSince] = [probe.samples.length, performance.now()];
        return performance.now() - quietSince >= 500;
      },
      bench.options.drainSeconds * 1000,
    ).catch((error: unknown) => bench.log(String(error)));
    const cpuTo = cpu();
    const measured = probe.samples.filter((sample) => sample.sourceTime >= warmupUntil);
    if (measured.length === 0) throw new Error('the latency probe read no reading of the latency run: see the gateway lines above');
    return {
      protocol,
      security: plane.security,
      cpu: cpuPerPoint(cpuFrom, cpuTo, measured.length, (performance.now() - fromMs) / 1000),
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
