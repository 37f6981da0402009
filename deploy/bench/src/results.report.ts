import type { BenchResults, LatencyRun, Protocol, SaturationRun } from './bench.runner';
import { SECURITY_LABELS, type Security } from './data.plane';
import type { LatencySummary } from './statistics';
import { percentOf } from './statistics';

/** The targets for this machine class (2 cores, everything on it). */
export const TARGETS = { jsonPointsPerSecond: 40_000, batchedPointsPerSecond: 250_000, p99Ms: 1_000 } as const;

const number = (value: number | undefined) => (value === undefined ? '-' : Math.round(value).toLocaleString('en-US'));
const decimal = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1));

/** secure / plain, e.g. `0.82×` (slower or cheaper below 1, dearer above); '-' when there is nothing to divide by. */
export function securityRatio(secure: number | undefined, plain: number | undefined): string {
  return secure === undefined || plain === undefined || plain <= 0 ? '-' : `${(secure / plain).toFixed(2)}×`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

function verdict(value: number, target: number): string {
  return value >= target ? `≥ ${number(target)} met` : `${number(target)} missed (${percentOf(value, target)}%)`;
}

function run(results: BenchResults, protocol: Protocol, system: SaturationRun['system'], security: Security): SaturationRun | undefined {
  return results.saturation.find((r) => r.protocol === protocol && r.system === system && r.security === security);
}

function stage(r: SaturationRun | undefined, prefix: string): number | undefined {
  return r?.stages.find((s) => s.counter.startsWith(prefix))?.perSecond;
}

/** Fewer points than this in a window make the CPU time per point a figure of the run's fixed costs, not of points. */
const MIN_POINTS_FOR_CPU_PER_POINT = 1_000;

/** The gateway process's CPU time per point Kafka acknowledged; undefined when too few were to say. */
export function gatewayCpuPerPoint(r: SaturationRun | undefined): number | undefined {
  if (r === undefined || r.kafkaOutPerSecond * r.windowSeconds < MIN_POINTS_FOR_CPU_PER_POINT) return undefined;
  return r.cpu.processes.gateway;
}

function latencyRow(name: string, summary: LatencySummary): string[] {
  return [name, number(summary.p50), number(summary.p90), number(summary.p99), number(summary.max)];
}

const PROTOCOL_LABELS: Record<Protocol, string> = { json: 'MQTT JSON', sparkplug: 'Sparkplug B' };

function latencyTable(latency: LatencyRun): string[] {
  return [
    table([
      [
        `latency, ${PROTOCOL_LABELS[latency.protocol]} at ${number(latency.pointsPerSecond)} points/s for ${latency.seconds} s, ${SECURITY_LABELS[latency.security]} (ms)`,
        'p50',
        'p90',
        'p99',
        'max',
      ],
      latencyRow('source timestamp → readable by a Kafka consumer', latency.total),
      latencyRow('  source → gateway received (broker, MQTT batch)', latency.toGateway),
      latencyRow('  gateway received → Kafka record time (buffer)', latency.toKafka),
      latencyRow('  Kafka record time → consumer holds it', latency.toConsumer),
    ]),
    `  ${number(latency.total.count)} readings measured (${latency.warmupExcluded} of the first second left out; load average ${latency.loadAverage1m}); p99 target ≤ ${number(TARGETS.p99Ms)} ms ${latency.total.p99 <= TARGETS.p99Ms ? 'met' : 'missed'}`,
  ];
}

/**
 * Secure and plain side by side, each with secure / plain: throughput at saturation, and at a fixed rate
 * CPU per point (the machine's and each main process's) and latency. Undefined unless both sides ran.
 */
export function formatCostOfSecurity(results: BenchResults): string | undefined {
  const protocols = ['json', 'sparkplug'] as const;
  const saturated = (protocol: Protocol, security: Security) => run(results, protocol, 'gateway', security);
  const fixed = (protocol: Protocol, security: Security) => results.latency.find((l) => l.protocol === protocol && l.security === security);
  const ran = (security: Security) => protocols.some((protocol) => saturated(protocol, security) ?? fixed(protocol, security));
  if (!ran('secure') || !ran('plain')) return undefined;
  const cells = <T>(of: (protocol: Protocol, security: Security) => T | undefined, pick: (r: T) => number | undefined, format: (value: number | undefined) => string) =>
    protocols.flatMap((protocol) => {
      const found = { secure: of(protocol, 'secure'), plain: of(protocol, 'plain') };
      const secure = found.secure === undefined ? undefined : pick(found.secure);
      const plain = found.plain === undefined ? undefined : pick(found.plain);
      return [format(secure), format(plain), securityRatio(secure, plain)];
    });
  const atSaturation = (label: string, pick: (r: SaturationRun) => number | undefined, format = number) => [label, ...cells(saturated, pick, format)];
  const atFixedRate = (label: string, pick: (r: LatencyRun) => number | undefined, format = number) => [label, ...cells(fixed, pick, format)];
  const cpuOf = (name: string) => (r: LatencyRun) => r.cpu.processes[name];
  // On a machine shared with other work, the processes on the path say more than the machine's total.
  const onThePath = (r: LatencyRun) => Object.values(r.cpu.processes).reduce<number>((sum, micros) => sum + (micros ?? 0), 0);
  const rate = results.latency[0]?.pointsPerSecond;
  return [
    table([
      ['cost of security, same run', 'JSON secure', 'JSON plain', 'secure/plain', 'Sparkplug secure', 'Sparkplug plain', 'secure/plain'],
      atSaturation('at saturation: MQTT → Kafka, acknowledged (points/s)', (r) => r.kafkaOutPerSecond),
      atSaturation('  gateway in (points/s)', (r) => stage(r, 'gateway in')),
      atSaturation('  MQTT broker ingest (points/s)', (r) => r.load.achievedPointsPerSecond),
      atSaturation('  machine busy (% of all cores)', (r) => r.cpu.machineBusyPercent),
      atSaturation('  left unforwarded when the run ended', (r) => r.drain.pointsNotForwarded),
      atFixedRate(`at ${number(rate)} points/s: CPU per point, processes on the path (µs)`, onThePath, decimal),
      atFixedRate('  gateway (bench process)', cpuOf('gateway'), decimal),
      atFixedRate('  Mosquitto', cpuOf('mosquitto'), decimal),
      atFixedRate('  Kafka broker', cpuOf('kafka'), decimal),
      atFixedRate('  load generator (the devices)', cpuOf('load generator'), decimal),
      atFixedRate("  whole machine, others' work included", (r) => r.cpu.machine, decimal),
      atFixedRate('  latency p50 (ms)', (r) => r.total.p50),
      atFixedRate('  latency p99 (ms)', (r) => r.total.p99),
    ]),
    `  secure: ${SECURITY_LABELS.secure} (client certificates from the stack CA, a topic ACL; SCRAM-SHA-512 over TLS); plain: ${SECURITY_LABELS.plain}, anonymous.`,
    '  Same Mosquitto and Kafka processes, another listener; secure/plain below 1× is slower (throughput), above 1× dearer (CPU, latency).',
  ].join('\n');
}

/** The closing table: the same figures as results.json, for people. */
export function formatResults(results: BenchResults): string {
  const { machine } = results;
  // The main table shows the first side run (secure, when it ran): the bare bridge ran on it too.
  const primary: Security = results.latency[0]?.security ?? results.saturation[0]?.security ?? 'secure';
  const gateway = { json: run(results, 'json', 'gateway', primary), sparkplug: run(results, 'sparkplug', 'gateway', primary) };
  const bridge = { json: run(results, 'json', 'bare bridge', primary), sparkplug: run(results, 'sparkplug', 'bare bridge', primary) };
  const both = (pick: (protocol: Protocol) => number | undefined) => [number(pick('json')), number(pick('sparkplug'))];
  const ratio = (protocol: Protocol) => percentOf(gateway[protocol]?.kafkaOutPerSecond ?? 0, bridge[protocol]?.kafkaOutPerSecond ?? 0);
  const saturation = table([
    [`points/s at saturation, ${SECURITY_LABELS[primary]}`, 'MQTT JSON, 1/message', 'Sparkplug B, 50/DDATA'],
    ['MQTT broker ingest (load generator, QoS 1 acks)', ...both((p) => gateway[p]?.load.achievedPointsPerSecond)],
    ['gateway in (decode, validate, Avro, buffer)', ...both((p) => stage(gateway[p], 'gateway in'))],
    ['gateway → Kafka, acknowledged  = MQTT → Kafka', ...both((p) => gateway[p]?.kafkaOutPerSecond)],
    ['  gateway CPU per point acknowledged (µs)', ...(['json', 'sparkplug'] as const).map((p) => decimal(gatewayCpuPerPoint(gateway[p])))],
    ['  target', verdict(gateway.json?.kafkaOutPerSecond ?? 0, TARGETS.jsonPointsPerSecond), verdict(gateway.sparkplug?.kafkaOutPerSecond ?? 0, TARGETS.batchedPointsPerSecond)],
    ['ClickHouse rows inserted     = MQTT → ClickHouse', ...both((p) => gateway[p]?.clickhouseRowsPerSecond)],
    ['peer: bare MQTT→Kafka bridge, same run', ...both((p) => bridge[p]?.kafkaOutPerSecond)],
    ['  broker ingest during the bridge run', ...both((p) => bridge[p]?.load.achievedPointsPerSecond)],
    ['gateway as % of the bare bridge', ...(['json', 'sparkplug'] as const).map((p) => (ratio(p) === undefined ? '-' : `${ratio(p)}%`))],
    ['left unforwarded when a gateway run ended', ...both((p) => gateway[p]?.drain.pointsNotForwarded)],
    ['machine load average (1 min) at the end of the gateway run', ...(['json', 'sparkplug'] as const).map((p) => String(gateway[p]?.loadAverage1m ?? '-'))],
  ]);
  const batched = run(results, 'sparkplug', 'gateway, raw.v2', primary);
  const batchedLine =
    batched &&
    `Sparkplug B, 50/DDATA, published as plant.telemetry.raw.v2 batches (one record per DDATA), ${SECURITY_LABELS[primary]}: ` +
      `${number(stage(batched, 'gateway in'))} points/s into the gateway, ${number(batched.kafkaOutPerSecond)} acknowledged by Kafka ` +
      `(target ${verdict(batched.kafkaOutPerSecond, TARGETS.batchedPointsPerSecond)}), gateway CPU per point ${decimal(gatewayCpuPerPoint(batched))} µs, ` +
      `${number(batched.drain.pointsNotForwarded)} left unforwarded`;
  const cost = formatCostOfSecurity(results);
  const lines = [
    `Fieldmesh bench (${results.command}), ${results.startedAt}, ${results.seconds} s`,
    `machine: ${machine.cpus} cores (os.cpus().length), ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${machine.loadAverage1m} at start`,
    '',
    saturation,
    ...(batchedLine ? ['', batchedLine] : []),
    ...(cost ? ['', cost] : []),
    ...results.latency.flatMap((latency) => ['', ...latencyTable(latency)]),
    '',
    `Kafka consume with Avro decode (new group, from the start): ${number(results.kafkaConsume.recordsPerSecond)} records/s (${number(results.kafkaConsume.records)} records in ${results.kafkaConsume.seconds} s)`,
  ];
  for (const profile of results.profiles) {
    lines.push('', `CPU profile of the bench process during the run "${profile.run}" (${profile.file}): idle ${profile.summary.idlePercent}%`);
    lines.push(table([['self time by area', 'ms', '%'], ...profile.summary.areas.slice(0, 8).map((a) => [a.area, number(a.selfMs), String(a.selfPercent)])]));
    lines.push(table([['hottest functions', 'ms', '%'], ...profile.summary.functions.slice(0, 10).map((f) => [f.function, number(f.selfMs), String(f.selfPercent)])]));
  }
  for (const note of results.notMeasured) lines.push('', `not measured: ${note}`);
  return lines.join('\n');
}
