/**
 * Client throughput: both adapters of the Kafka port against the same real broker in one run.
 *
 *   npm run bench:kafka                                   # starts its own broker (platform/stack)
 *   npm run bench:kafka -- --brokers 127.0.0.1:9092       # or uses a running one, with the FIELDMESH_KAFKA_* environment
 *   options: --records 200000 --repeats 3 --batch 1000 --partitions 3
 *
 * Its own broker is the stack's, SASL_SSL only: the clients log in as the stack's admin (SCRAM-SHA-512) and
 * verify the broker with the stack CA, as users' clients do; the figures include the cost of TLS and SASL.
 * Same guarantees for both: idempotent producer, acks=all, one request in flight, lz4, the same send
 * batch size and concurrency; consumers commit after every handler call. Records are 200 bytes of
 * telemetry-like text with 100 distinct keys. Produce rate counts from the first send to the last
 * acknowledgement; consume rate from the moment run() resolved (group joined) to the last record.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KAFKA_SECURITY_ENV } from '@fieldmesh/config';
import { kafkaClientEnv, startStack, TEST_STACKS_DIR } from '@fieldmesh/stack';
import { createKafka, type KafkaClientName, type OutgoingRecord } from '../src/index';

const RECORD_BYTES = 200;
const SEND_CONCURRENCY = 4;
const ADAPTERS: KafkaClientName[] = ['kafkajs', 'platformatic'];

const { values } = parseArgs({
  options: {
    brokers: { type: 'string' },
    records: { type: 'string', default: '200000' },
    repeats: { type: 'string', default: '3' },
    batch: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '3' },
  },
});
const recordCount = Number(values.records);
const repeats = Number(values.repeats);
const batchSize = Number(values.batch);
const partitions = Number(values.partitions);

function payload(i: number): Buffer {
  const text = `{"ts":${1_700_000_000_000 + i},"gateway":"gw-01","device":"plc-${i % 100}","signal":"temperature","value":${(20 + (i % 997) / 10).toFixed(1)},"unit":"degC","quality":"GOOD","seq":${i}`;
  return Buffer.from(text.padEnd(RECORD_BYTES - 1, ' ') + '}');
}

function records(topic: string): OutgoingRecord[][] {
  const all = Array.from({ length: recordCount }, (_, i) => ({ topic, key: `asset-${i % 100}`, value: payload(i) }));
  const batches: OutgoingRecord[][] = [];
  for (let at = 0; at < all.length; at += batchSize) batches.push(all.slice(at, at + batchSize));
  return batches;
}

async function produce(client: KafkaClientName, brokers: string[], topic: string): Promise<number> {
  const producer = createKafka({ clientId: `bench-${client}`, brokers, client }).producer({ compression: 'lz4' });
  await producer.connect();
  const batches = records(topic);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: SEND_CONCURRENCY }, async () => {
      while (next < batches.length) await producer.send(batches[next++]!);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return recordCount / seconds;
}

async function consume(client: KafkaClientName, brokers: string[], topic: string): Promise<number> {
  const consumer = createKafka({ clientId: `bench-${client}`, brokers, client }).consumer({
    groupId: `bench-${randomUUID()}`,
    topics: [topic],
    maxBatchRecords: batchSize,
    maxWaitMs: 100,
  });
  let seen = 0;
  let last = 0;
  let finish = () => undefined as void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    setTimeout(() => reject(new Error(`${client} consumed ${seen} of ${recordCount} records in 300 s`)), 300_000).unref();
  });
  await consumer.connect();
  const started = performance.now();
  await consumer.run(async ({ records }) => {
    seen += records.length;
    if (seen >= recordCount) {
      last = performance.now();
      finish();
    }
  });
  const joined = performance.now();
  await done;
  await consumer.disconnect();
  console.error(`  ${client} consumer joined its group in ${((joined - started) / 1000).toFixed(1)} s`);
  return recordCount / ((last - joined) / 1000);
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  let brokers = values.brokers?.split(',');
  let stop = async () => undefined as void;
  if (!brokers) {
    const stack = await startStack({ dir: join(TEST_STACKS_DIR, `bench-${process.pid}`), services: ['kafka'], lifetime: 'session', log: (l) => console.error(`[stack] ${l}`) });
    brokers = stack.addresses.kafkaBrokers!.split(',');
    stop = () => stack.stop();
    // Every client the bench makes logs in as the stack's admin and verifies the broker with the stack CA.
    Object.assign(process.env, kafkaClientEnv(stack.addresses));
  }
  const admin = createKafka({ clientId: 'bench-admin', brokers }).admin();
  await admin.connect();
  const results = new Map<KafkaClientName, { produced: number[]; consumed: number[] }>(ADAPTERS.map((c) => [c, { produced: [], consumed: [] }]));
  const topics: string[] = [];
  try {
    for (let round = 1; round <= repeats; round++) {
      // Alternate the order each round so neither adapter always meets a warmer broker.
      for (const client of round % 2 ? ADAPTERS : [...ADAPTERS].reverse()) {
        const topic = `bench.throughput.${client}.${randomUUID().slice(0, 8)}`;
        topics.push(topic);
        await admin.createTopics([{ topic, partitions, replicationFactor: 1 }]);
        const produced = await produce(client, brokers, topic);
        const consumed = await consume(client, brokers, topic);
        results.get(client)!.produced.push(produced);
        results.get(client)!.consumed.push(consumed);
        console.error(`round ${round} ${client}: produced ${produced.toFixed(0)}/s, consumed ${consumed.toFixed(0)}/s`);
      }
    }
  } finally {
    await admin.deleteTopics(topics).catch(() => undefined);
    await admin.disconnect();
    await stop();
  }

  const row = (c: KafkaClientName) => results.get(c)!;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const [a, b] = ADAPTERS as [KafkaClientName, KafkaClientName];
  console.log(
    `\nKafka client throughput: ${fmt(recordCount)} records of ${RECORD_BYTES} B, ${partitions} partitions, send batch ${batchSize}, lz4, idempotent, acks=all, ${process.env[KAFKA_SECURITY_ENV.protocol] ?? 'PLAINTEXT'}; median of ${repeats}`,
  );
  console.log(`machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? 'unknown cpu'}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`);
  console.log('| adapter | produced records/s | consumed records/s |');
  console.log('| --- | ---: | ---: |');
  for (const c of ADAPTERS) console.log(`| ${c} | ${fmt(median(row(c).produced))} | ${fmt(median(row(c).consumed))} |`);
  console.log(`| ${b} / ${a} | ${(median(row(b).produced) / median(row(a).produced)).toFixed(2)}× | ${(median(row(b).consumed) / median(row(a).consumed)).toFixed(2)}× |`);
}

await main();
