import type { BenchResults, Protocol, SaturationRun } from './bench.runner';
import type { LatencySummary } from './statistics';
import { percentOf } from './statistics';

/** The targets for this machine class (2 cores, everything on it). */
export const TARGETS = { jsonPointsPerSecond: 40_000, batchedPointsPerSecond: 250_000, p99Ms: 1_000 } as const;

const number = (value: number | undefined) => (value === undefined ? '-' : Math.round(value).toLocaleString('en-US'));

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

function run(results: BenchResults, protocol: Protocol, system: SaturationRun['system']): SaturationRun | undefined {
  return results.saturation.find((r) => r.protocol === protocol && r.system === system);
}

function stage(r: SaturationRun | undefined, prefix: string): number | undefined {
  return r?.stages.find((s) => s.counter.startsWith(prefix))?.perSecond;
}

function latencyRow(name: string, summary: LatencySummary): string[] {
  return [name, number(summary.p50), number(summary.p90), number(summary.p99), number(summary.max)];
}

/** The closing table: the same figures as results.json, for people. */
export function formatResults(results: BenchResults): string {
  const { machine } = results;
  const gateway = { json: run(results, 'json', 'gateway'), sparkplug: run(results, 'sparkplug', 'gateway') };
  const bridge = { json: run(results, 'json', 'bare bridge'), sparkplug: run(results, 'sparkplug', 'bare bridge') };
  const both = (pick: (protocol: Protocol) => number | undefined) => [number(pick('json')), number(pick('sparkplug'))];
  const ratio = (protocol: Protocol) => percentOf(gateway[protocol]?.kafkaOutPerSecond ?? 0, bridge[protocol]?.kafkaOutPerSecond ?? 0);
  const saturation = table([
    ['points/s at saturation', 'MQTT JSON, 1/message', 'Sparkplug B, 50/DDATA'],
    ['MQTT broker ingest (load generator, QoS 1 acks)', ...both((p) => gateway[p]?.load.achievedPointsPerSecond)],
    ['gateway in (decode, validate, Avro, buffer)', ...both((p) => stage(gateway[p], 'gateway in'))],
    ['gateway → Kafka, acknowledged  = MQTT → Kafka', ...both((p) => gateway[p]?.kafkaOutPerSecond)],
    ['  target', verdict(gateway.json?.kafkaOutPerSecond ?? 0, TARGETS.jsonPointsPerSecond), verdict(gateway.sparkplug?.kafkaOutPerSecond ?? 0, TARGETS.batchedPointsPerSecond)],
    ['ClickHouse rows inserted     = MQTT → ClickHouse', ...both((p) => gateway[p]?.clickhouseRowsPerSecond)],
    ['peer: bare MQTT→Kafka bridge, same run', ...both((p) => bridge[p]?.kafkaOutPerSecond)],
    ['  broker ingest during the bridge run', ...both((p) => bridge[p]?.load.achievedPointsPerSecond)],
    ['gateway as % of the bare bridge', ...(['json', 'sparkplug'] as const).map((p) => (ratio(p) === undefined ? '-' : `${ratio(p)}%`))],
    ['left unforwarded when a gateway run ended', ...both((p) => gateway[p]?.drain.pointsNotForwarded)],
    ['machine load average (1 min) at the end of the gateway run', ...(['json', 'sparkplug'] as const).map((p) => String(gateway[p]?.loadAverage1m ?? '-'))],
  ]);
  const { latency } = results;
  const latencyTable = table([
    [`latency at ${number(latency.pointsPerSecond)} points/s for ${latency.seconds} s (ms)`, 'p50', 'p90', 'p99', 'max'],
    latencyRow('source timestamp → readable by a Kafka consumer', latency.total),
    latencyRow('  source → gateway received (broker, MQTT batch)', latency.toGateway),
    latencyRow('  gateway received → Kafka record time (buffer)', latency.toKafka),
    latencyRow('  Kafka record time → consumer holds it', latency.toConsumer),
  ]);
  const lines = [
    `Fieldmesh bench (${results.command}), ${results.startedAt}, ${results.seconds} s`,
    `machine: ${machine.cpus} cores (os.cpus().length), ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${machine.loadAverage1m} at start`,
    '',
    saturation,
    '',
    latencyTable,
    `  ${number(latency.total.count)} readings measured (${latency.warmupExcluded} of the first second left out; load average ${latency.loadAverage1m}); p99 target ≤ ${number(TARGETS.p99Ms)} ms ${latency.total.p99 <= TARGETS.p99Ms ? 'met' : 'missed'}`,
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
