/**
 * Stream runtime throughput on a real broker and registry: records/s through a pass-through job
 * (decode → handler → encode → produce acks=all → commit) and through a windowed job (one-minute
 * tumbling sums per asset, with the commit low-watermark and checkpoints).
 *
 *   npx tsx platform/streams/bench/pass-through.bench.ts                 # starts kafka + registry (platform/stack)
 *   npx tsx platform/streams/bench/pass-through.bench.ts --brokers 127.0.0.1:9092 --registry http://127.0.0.1:8081
 *   options: --records 200000 --batch 2000 --partitions 3 --repeats 2
 *
 * On its own stack the job logs in to Kafka (SASL_SSL) as the stack's admin, verifying the broker with the
 * stack CA, and registers its schemas with the stack registry's service token, as a deployed job does; with
 * --brokers and --registry it takes the FIELDMESH_KAFKA_* and FIELDMESH_REGISTRY_TOKEN environment.
 *
 * Inputs are produced before the job starts; the rate counts from the job's start (group joined) to the
 * last input record committed, i.e. the sustained rate of a job working through a backlog.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KAFKA_SECURITY_ENV } from '@fieldmesh/config';
import { createKafka, type KafkaPort, type OutgoingRecord } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { kafkaClientEnv, registryClientEnv, startStack, TEST_STACKS_DIR } from '@fieldmesh/stack';
import { eachRecord, runStreamJob, type StreamJob, type StreamRecord, TumblingWindows } from '../src/index';
import { windowSumSchema } from '../test/support/schemas';

const { values } = parseArgs({
  options: {
    brokers: { type: 'string' },
    registry: { type: 'string' },
    records: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '2000' },
    partitions: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '2' },
  },
});
const recordCount = Number(values.records);
const maxBatchRecords = Number(values.batch);
const partitions = Number(values.partitions);
const repeats = Number(values.repeats);

/** About the size and shape of a raw telemetry reading. */
const readingSchema = {
  type: 'record',
  name: 'BenchReading',
  namespace: 'fieldmesh.bench.streams',
  fields: [
    { name: 'gatewayId', type: 'string' },
    { name: 'assetPath', type: 'string' },
    { name: 'signal', type: 'string' },
    { name: 'value', type: 'double' },
    { name: 'unit', type: 'string' },
    { name: 'quality', type: 'string' },
    { name: 'sequenceNumber', type: 'long' },
    { name: 'eventTime', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
};
interface Reading {
  assetPath: string;
  value: number;
  eventTime: Date;
}

async function produceInputs(kafka: KafkaPort, serde: AvroSerde, topic: string): Promise<void> {
  const writer = await serde.writerFor(topic, readingSchema);
  const producer = kafka.producer();
  await producer.connect();
  const start = 1_700_000_000_000;
  for (let at = 0; at < recordCount; at += 5_000) {
    const batch: OutgoingRecord[] = [];
    for (let i = at; i < Math.min(recordCount, at + 5_000); i++) {
      const assetPath = `site-1/line-${i % 4}/asset-${i % 200}`;
      const value = { gatewayId: 'gw-01', assetPath, signal: 'temperature', value: 20 + (i % 97) / 10, unit: 'degC', quality: 'GOOD', sequenceNumber: i, eventTime: start + i * 5 };
      batch.push({ topic, key: assetPath, value: serde.encode(writer, value) });
    }
    await producer.send(batch);
  }
  await producer.disconnect();
}

type JobFactory = (kafka: KafkaPort, serde: AvroSerde, input: string, output: string) => Promise<StreamJob>;

const passThrough: JobFactory = (kafka, serde, input, output) =>
  runStreamJob({
    name: 'bench-pass-through',
    kafka,
    serde,
    groupId: `bench.streams.${randomUUID().slice(0, 8)}`,
    inputs: [input],
    outputs: { [output]: readingSchema },
    maxBatchRecords,
    handler: async (records) => eachRecord(records, (r) => ({ topic: output, key: r.key ?? '', value: r.value })),
  });

const windowedSums: JobFactory = (kafka, serde, input, output) => {
  const windows = new TumblingWindows<string, { sum: number; count: number }, { sum: number; count: number }, Reading>({
    name: 'sum-1m',
    sizeMs: 60_000,
    allowedLatenessMs: 5_000,
    keyOf: (r) => r.value.assetPath,
    eventTimeOf: (r) => r.value.eventTime.getTime(),
    init: () => ({ sum: 0, count: 0 }),
    add: (acc, r) => {
      acc.sum += r.value.value;
      acc.count += 1;
      return acc;
    },
    result: (acc) => acc,
  });
  return runStreamJob({
    name: 'bench-windowed',
    kafka,
    serde,
    groupId: `bench.streams.${randomUUID().slice(0, 8)}`,
    inputs: [input],
    outputs: { [output]: windowSumSchema },
    maxBatchRecords,
    state: [windows],
    handler: async (records) =>
      (records as StreamRecord<Reading>[])
        .flatMap((r) => windows.add(r))
        .map((w) => ({ topic: output, key: w.key, value: { asset: w.key, start: w.start, end: w.end, sum: w.value.sum, count: w.value.count } })),
  });
};

async function measure(kafka: KafkaPort, serde: AvroSerde, input: string, factory: JobFactory): Promise<number> {
  const output = `bench.streams.out.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics([{ topic: output, partitions, replicationFactor: 1 }]);
  await admin.disconnect();
  const started = performance.now();
  const job = await factory(kafka, serde, input, output);
  while (job.stats().recordsIn < recordCount) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (performance.now() - started) / 1000;
  await job.close();
  return recordCount / seconds;
}

async function main(): Promise<void> {
  let brokers = values.brokers?.split(',');
  let registryUrl = values.registry;
  let stop = async (): Promise<void> => undefined;
  if (!brokers || !registryUrl) {
    const stack = await startStack({
      dir: join(TEST_STACKS_DIR, `bench-streams-${process.pid}`),
      services: ['kafka', 'registry'],
      lifetime: 'session',
      log: (l) => console.error(`[stack] ${l}`),
    });
    brokers = stack.addresses.kafkaBrokers?.split(',') ?? [];
    registryUrl = stack.addresses.registryUrl ?? '';
    stop = () => stack.stop();
    Object.assign(process.env, kafkaClientEnv(stack.addresses), registryClientEnv(stack.addresses));
  }
  const kafka = createKafka({ clientId: 'bench-streams', brokers });
  const serde = new AvroSerde({ registryUrl });
  const input = `bench.streams.in.${randomUUID().slice(0, 8)}`;
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics([{ topic: input, partitions, replicationFactor: 1 }]);
    await admin.disconnect();
    await produceInputs(kafka, serde, input);
    const rates: Record<string, number[]> = { 'pass-through': [], windowed: [] };
    for (let round = 1; round <= repeats; round++) {
      for (const [name, factory] of [
        ['pass-through', passThrough],
        ['windowed', windowedSums],
      ] as const) {
        const rate = await measure(kafka, serde, input, factory);
        rates[name]?.push(rate);
        console.error(`round ${round} ${name}: ${rate.toFixed(0)} records/s`);
      }
    }
    console.log(
      `stream runtime, ${recordCount} records, batches of ≤${maxBatchRecords}, ${partitions} partitions, Kafka ${process.env[KAFKA_SECURITY_ENV.protocol] ?? 'PLAINTEXT'}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0]!.toFixed(1)}`,
    );
    for (const [name, list] of Object.entries(rates))
      console.log(`  ${name.padEnd(13)} best ${Math.max(...list).toFixed(0)} records/s (runs: ${list.map((r) => r.toFixed(0)).join(', ')})`);
  } finally {
    await stop();
  }
}

await main();
