/**
 * CPU time per point of the gateway's own path, in this process and without a network: MQTT message →
 * decoder (MQTT JSON, one reading per message, or Sparkplug B DDATA of 50 metrics resolved by alias) →
 * ingestor (redelivery window, enrich, mask, clock skew, contract check, Avro: one record per reading for
 * plant.telemetry.raw.v1, or per DDATA for the batched raw.v2, the same DDATAs in the same run) → disk buffer (fsync per
 * source batch, as configured by default) → envelopes read back and turned into Kafka records as the
 * forwarder does. What it leaves out is the MQTT client, the Kafka producer and the brokers: `npm run
 * bench` measures those end to end.
 *
 * The figure is process CPU time (process.cpuUsage) per point, so other work on the machine stretches the
 * wall time but barely moves it: on a 2-core machine shared with other sessions, the end-to-end bench's
 * throughput swings with their load and this is the figure to compare before and after a change.
 *
 *   npm run bench:gateway                          # 200,000 points per path, 3 rounds, best round printed
 *   npm run bench:gateway -- --points 1000000 --rounds 5
 *   npm run bench:gateway -- --publish             # also writes docs/bench/gateway-path.json
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BirthRegistry, type InboundMessage, JsonDecoder, jsonFormatSchema, type MessageDecoder, SparkplugDecoder, sparkplugFormatSchema } from '@fieldmesh/connector-mqtt';
import { loadContract } from '@fieldmesh/governance';
import { AvroCodec, createAvroType, decodeLimitsSchema } from '@fieldmesh/serde';
import { get } from 'sparkplug-payload';
import { decodeEnvelope } from '../src/buffer/envelope';
import { SegmentLog } from '../src/buffer/segment-log';
import { Calibration } from '../src/enrich/calibration';
import { Ingestor } from '../src/ingest/ingestor';
import { RedeliveryFilter } from '../src/ingest/redelivery.filter';
import { Pseudonymiser } from '../src/privacy/pseudonymiser';

const ROOT = join(import.meta.dirname, '..', '..');
const METRICS_PER_DDATA = 50;
/** Messages per source batch: the MQTT connector's default batchMaxMessages. */
const MESSAGES_PER_BATCH = 500;
const DEVICES = 8;

const { values } = parseArgs({
  options: { points: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '3' }, publish: { type: 'boolean', default: false } },
});
const points = Number(values.points);
const rounds = Number(values.rounds);
if (!Number.isInteger(points) || points < METRICS_PER_DDATA * MESSAGES_PER_BATCH)
  throw new Error(`--points must be an integer ≥ ${METRICS_PER_DDATA * MESSAGES_PER_BATCH}, got ${values.points}`);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);

const sparkplug = get('spBv1.0')!;
const contract = loadContract(join(ROOT, 'contracts/plant-telemetry/raw.yaml'), ROOT);
const writerOf = (loaded: typeof contract) => {
  const name = loaded.contract.kafka.topic;
  return { topic: name, subject: `${name}-value`, schemaId: 1, codec: new AvroCodec(createAvroType(loaded.avroSchema), decodeLimitsSchema.parse({})) };
};
const batchContract = loadContract(join(ROOT, 'contracts/plant-telemetry/raw-v2.yaml'), ROOT);

interface Path {
  name: string;
  decoder: MessageDecoder;
  /** Messages carrying `points` readings, in the order a broker would deliver them. */
  messages: InboundMessage[];
  /** Published as raw.v2 batches rather than raw.v1 records. */
  batched?: boolean;
}

const message = (topicName: string, payload: Buffer | Uint8Array, receivedTime: number): InboundMessage => ({
  topic: topicName,
  payload: Buffer.from(payload),
  qos: 1,
  retain: false,
  dup: false,
  receivedTime,
});

function jsonPath(start: number): Path {
  const decoder = new JsonDecoder(
    [{ topic: 'acme/+site/+area/+line/+asset/+signal', assetPath: 'acme/{site}/{area}/{line}/{asset}', signal: '{signal}' }],
    jsonFormatSchema.parse({}),
    65_536,
  );
  const messages = Array.from({ length: points }, (_, i) => {
    const body = { timestamp_ms: start + i, value: 40 + (i % 100) / 10, unit: 'Cel', quality: 'GOOD' };
    return message(`acme/berlin/press-shop/line-1/pump-${i % DEVICES}/bearing_temperature`, Buffer.from(JSON.stringify(body)), start + i);
  });
  return { name: 'MQTT JSON, 1 point per message', decoder, messages };
}

function sparkplugPath(start: number): Path {
  const decoder = new SparkplugDecoder(sparkplugFormatSchema.parse({ assetPath: 'acme/{group}/{nodePath}/{device}' }), 65_536, new BirthRegistry(), () => start);
  const node = 'spBv1.0/berlin/%s/press-shop.line-1';
  const names = Array.from({ length: METRICS_PER_DDATA }, (_, m) => `signal_${m}`);
  const messages: InboundMessage[] = [
    message(node.replace('%s', 'NBIRTH'), sparkplug.encodePayload({ timestamp: start, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] }), start),
  ];
  let seq = 1;
  for (let d = 0; d < DEVICES; d++) {
    const metrics = names.map((name, alias) => ({
      name,
      alias,
      type: 'Double' as const,
      value: null,
      isNull: true,
      properties: { engUnit: { type: 'String' as const, value: 'Cel' } },
    }));
    messages.push(message(`${node.replace('%s', 'DBIRTH')}/pump-${d}`, sparkplug.encodePayload({ timestamp: start, seq: seq++ % 256, metrics }), start));
  }
  for (let i = 0; i < points / METRICS_PER_DDATA; i++) {
    const metrics = names.map((_, alias) => ({ alias, type: 'Double' as const, value: 40 + ((i + alias) % 100) / 10, timestamp: start + i }));
    messages.push(message(`${node.replace('%s', 'DDATA')}/pump-${i % DEVICES}`, sparkplug.encodePayload({ timestamp: start + i, seq: seq++ % 256, metrics }), start + i));
  }
  return { name: `Sparkplug B, ${METRICS_PER_DDATA} points per DDATA`, decoder, messages };
}

function sparkplugBatchedPath(start: number): Path {
  return { ...sparkplugPath(start), name: `Sparkplug B, ${METRICS_PER_DDATA} points per DDATA → raw.v2`, batched: true };
}

interface Round {
  points: number;
  decodeMicros: number;
  ingestMicros: number;
  forwardMicros: number;
  wallSeconds: number;
}

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function runRound(path: Path, start: number): Promise<Round> {
  const dir = await mkdtemp(join(tmpdir(), 'fm-ingest-bench-'));
  const log = await SegmentLog.open({ dir: join(dir, 'buffer'), maxBytes: 4 * 1024 ** 3, segmentBytes: 64 * 1024 ** 2, fsync: 'always', onFull: 'block' });
  const product = path.batched ? batchContract : contract;
  const ingestor = new Ingestor({
    log,
    contract,
    writer: writerOf(product),
    ...(path.batched ? { batches: batchContract } : {}),
    build: { gatewayId: 'bench-gw', contract: contract.contract, calibration: new Calibration([]), pseudonymiser: await Pseudonymiser.fromKeyFile(join(dir, 'key')) },
    personalKeys: ['operator'],
    redeliveries: new RedeliveryFilter({ recentReadingsPerConnector: 100_000 }),
    clock: () => start + points,
  });
  const round: Round = { points: 0, decodeMicros: 0, ingestMicros: 0, forwardMicros: 0, wallSeconds: 0 };
  const began = performance.now();
  try {
    for (let first = 0; first < path.messages.length; first += MESSAGES_PER_BATCH) {
      let t = cpuMicros();
      const batch = { readings: [] as ReturnType<MessageDecoder['decode']>['readings'], rejects: [] as ReturnType<MessageDecoder['decode']>['rejects'] };
      for (const m of path.messages.slice(first, first + MESSAGES_PER_BATCH)) {
        const decoded = path.decoder.decode(m);
        for (const reading of decoded.readings) batch.readings.push(reading);
        for (const reject of decoded.rejects) batch.rejects.push(reject);
      }
      round.decodeMicros += cpuMicros() - t;
      t = cpuMicros();
      const outcome = await ingestor.ingest('bench', { ...batch, ack: async () => {}, nack: async () => {} });
      if (outcome.deadLettered.length > 0) throw new Error(`${outcome.deadLettered.length} readings were dead-lettered: ${JSON.stringify(outcome.deadLettered[0])}`);
      round.ingestMicros += cpuMicros() - t;
      round.points += outcome.accepted;
    }
    // The forwarder's side: read back, decode the envelopes, build the records (everything but the producer).
    const t = cpuMicros();
    for (let next = log.stats.committedSeq + 1; ;) {
      const records = await log.read(next, 2_000);
      if (records.length === 0) break;
      for (const record of records) {
        const { topic: recordTopic, key, value, headers } = decodeEnvelope(record.payload);
        if (recordTopic !== product.contract.kafka.topic || key === null || value.length === 0 || headers['fieldmesh.gateway'] !== 'bench-gw')
          throw new Error(`record ${record.seq} is not a product record`);
      }
      next = records.at(-1)!.seq + 1;
      await log.commit(next - 1);
    }
    round.forwardMicros = cpuMicros() - t;
    round.wallSeconds = (performance.now() - began) / 1000;
    return round;
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const per = (micros: number, count: number) => Math.round((micros / count) * 100) / 100;
const cell = (value: number) => value.toFixed(2).padStart(7);
console.log(`gateway path, in process, no network: ${points.toLocaleString('en-US')} points per round, ${rounds} rounds, best round (least CPU) per path`);
console.log('path                                  µs CPU per point:  decode   ingest  forward    total   points/s of CPU');
const paths = [];
for (const build of [jsonPath, sparkplugPath, sparkplugBatchedPath]) {
  let best: Round | undefined;
  let name = '';
  for (let r = 0; r < rounds; r++) {
    // Fresh decoders and timestamps per round: nothing a round delivered is taken for a redelivery in the next.
    const start = Date.UTC(2026, 0, 1) + r * 10 * points;
    const path = build(start);
    name = path.name;
    const round = await runRound(path, start);
    const total = round.decodeMicros + round.ingestMicros + round.forwardMicros;
    if (!best || total < best.decodeMicros + best.ingestMicros + best.forwardMicros) best = round;
  }
  const { decodeMicros, ingestMicros, forwardMicros, points: counted } = best!;
  const total = decodeMicros + ingestMicros + forwardMicros;
  const row = {
    path: name,
    microsPerPoint: { decode: per(decodeMicros, counted), ingest: per(ingestMicros, counted), forward: per(forwardMicros, counted), total: per(total, counted) },
    pointsPerCpuSecond: Math.round((counted * 1e6) / total),
  };
  paths.push(row);
  const { decode, ingest, forward } = row.microsPerPoint;
  console.log(`${name.padEnd(55)} ${cell(decode)}  ${cell(ingest)}  ${cell(forward)}  ${cell(row.microsPerPoint.total)}   ${row.pointsPerCpuSecond.toLocaleString('en-US')}`);
}
if (values.publish) {
  const docs = join(ROOT, 'docs', 'bench');
  await mkdir(docs, { recursive: true });
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100 };
  const results = { command: 'npm run bench:gateway', startedAt: new Date().toISOString(), machine, options: { points, rounds }, paths };
  await writeFile(join(docs, 'gateway-path.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('published to docs/bench/gateway-path.json');
}
