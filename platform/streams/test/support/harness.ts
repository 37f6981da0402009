import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type ConsumedRecord, createDlqTopic, createKafka, type KafkaPort } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { inject } from 'vitest';
import { readingSchema } from './schemas';
import type { TestJobOptions } from './test-jobs';

export function testKafka(): KafkaPort {
  return createKafka({ clientId: 'streams-test', brokers: inject('kafkaBrokers').split(',') });
}

export function testSerde(): AvroSerde {
  return new AvroSerde({ registryUrl: inject('registryUrl') });
}

export function uniqueName(prefix: string): string {
  return `test.streams.${prefix}.${randomUUID().slice(0, 8)}`;
}

/** Input (with its DLQ) and output topics for one test. */
export async function createTopics(kafka: KafkaPort, partitions: number): Promise<{ input: string; output: string; groupId: string }> {
  const input = uniqueName('in');
  const output = uniqueName('out');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics([
    { topic: input, partitions, replicationFactor: 1 },
    { topic: output, partitions: 1, replicationFactor: 1 },
  ]);
  await createDlqTopic(admin, input);
  await admin.disconnect();
  return { input, output, groupId: uniqueName('group') };
}

export interface TestReading {
  asset: string;
  at: number;
  v: number;
}

/** Produces readings (Avro, keyed by asset) and raw byte values, in the order given. */
export async function produce(kafka: KafkaPort, serde: AvroSerde, topic: string, values: Array<TestReading | Buffer>): Promise<void> {
  const writer = await serde.writerFor(topic, readingSchema);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send(values.map((value) => (Buffer.isBuffer(value) ? { topic, key: 'garbage', value } : { topic, key: value.asset, value: serde.encode(writer, value) })));
  await producer.disconnect();
}

/**
 * Every record of a topic from the start, once `count` arrived and nothing more came for `quietMs`; when the
 * time runs out first, what arrived until then (the test's assertions say what is missing).
 */
export async function readTopic(kafka: KafkaPort, topic: string, count: number, quietMs = 1_500, timeoutMs = 60_000): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  let lastAt = Date.now();
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), topics: [topic], maxWaitMs: 100 });
  await consumer.connect();
  await consumer.run(async (batch) => {
    records.push(...batch.records);
    lastAt = Date.now();
  });
  try {
    await waitFor(`${count} records on ${topic}`, () => records.length >= count && Date.now() - lastAt >= quietMs, timeoutMs).catch((error: Error) =>
      console.warn(`readTopic: ${error.message}, returning the ${records.length} read`),
    );
  } finally {
    await consumer.disconnect();
  }
  return records;
}

export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A test job in a child process (job.main.ts), its stdout events, and SIGKILL. */
export class JobProcess {
  readonly events: Array<{ event: string; records?: number; asset?: string; windowStart?: number }> = [];
  private readonly child: ChildProcess;
  private stderr = '';
  private exited = false;

  constructor(kind: 'pass-through' | 'windowed', options: Omit<TestJobOptions, 'kafka' | 'serde' | 'onBatch' | 'onLate'>) {
    const script = fileURLToPath(new URL('./job.main.ts', import.meta.url));
    const json = JSON.stringify({ ...options, brokers: inject('kafkaBrokers').split(','), registryUrl: inject('registryUrl') });
    // node itself (not an npx wrapper) so that SIGKILL reaches the job.
    this.child = spawn(process.execPath, ['--import', 'tsx', script, kind, json], { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.events.push(JSON.parse(line) as { event: string });
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.on('exit', () => (this.exited = true));
  }

  /** What a failure message needs: the events in order (runs of one kind counted), and the tail of stderr. */
  describe(): string {
    const runs: Array<{ event: string; n: number }> = [];
    for (const e of this.events) {
      const event = e.event === 'late' ? `late ${JSON.stringify(e).replace(/"/g, '')}` : e.event;
      const last = runs.at(-1);
      if (last?.event === event) last.n += 1;
      else runs.push({ event, n: 1 });
    }
    const seen = runs.map(({ event, n }) => (n > 1 ? `${event} ×${n}` : event)).join(', ') || 'no events';
    return `${this.exited ? 'exited' : 'running'}; ${seen}; stderr: ${this.stderr.slice(-2_000) || '(empty)'}`;
  }

  count(event: string): number {
    return this.events.filter((e) => e.event === event).length;
  }

  async waitFor(what: string, predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      what,
      () => {
        if (this.exited) throw new Error(`the job process exited while waiting for ${what}:\n${this.stderr}`);
        return predicate();
      },
      timeoutMs,
    );
  }

  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}

export async function committedOffsets(kafka: KafkaPort, groupId: string, topic: string): Promise<Record<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return Object.fromEntries((await admin.fetchGroupOffsets(groupId, topic)).map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}
