import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DlqHeaders, KafkaProduceFailed, type KafkaProducerPort, type OutgoingRecord, type RecordMetadata } from '@fieldmesh/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../buffer/envelope';
import { FaultyFileSystem } from '../buffer/faulty.file-system';
import { CONNECTOR_HEADER, READING_ID_HEADER, RECEIVED_TIME_HEADER } from '../ingest/reading.identity';
import { SegmentLog } from '../buffer/segment-log';
import { DEAD_LETTER_EVIDENCE_BYTES, EVIDENCE_HEADER } from './dead-letter.builder';
import type { RecordRefusedByKafka } from './errors';
import { Forwarder } from './forwarder';

/** A protocol error as @platformatic/kafka reports it, inside the port's KafkaProduceFailed. */
function refusedBy(code: string, topic: string) {
  const protocol = Object.assign(new Error(`Kafka error ${code}`), { apiId: code, canRetry: false });
  return new KafkaProduceFailed([topic], 1, { cause: new AggregateError([protocol], 'Received response with error') });
}

/** A Kafka cluster in memory: per-topic logs, an optional size limit per topic, and errors on demand. */
class MemoryProducer implements KafkaProducerPort {
  readonly topics = new Map<string, OutgoingRecord[]>();
  readonly maxBytes = new Map<string, number>();
  readonly forbidden = new Set<string>();
  unreachableSends = 0;
  sends = 0;
  /** While set, a send waits for it: a cluster that takes long to answer (no leader during an election). */
  answerAfter: Promise<void> | undefined;

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}

  async send(records: OutgoingRecord[]): Promise<RecordMetadata[]> {
    this.sends += 1;
    await this.answerAfter;
    if (this.unreachableSends > 0) {
      this.unreachableSends -= 1;
      throw new KafkaProduceFailed([], records.length, { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'PLT_KFK_NETWORK' }) });
    }
    // All or nothing, as one partition's record batch is.
    for (const record of records) {
      if (this.forbidden.has(record.topic)) throw refusedBy('TOPIC_AUTHORIZATION_FAILED', record.topic);
      if ((record.value?.length ?? 0) > (this.maxBytes.get(record.topic) ?? Infinity)) throw refusedBy('MESSAGE_TOO_LARGE', record.topic);
    }
    for (const record of records) this.topics.set(record.topic, [...(this.topics.get(record.topic) ?? []), record]);
    return [];
  }

  values(topic: string): string[] {
    return (this.topics.get(topic) ?? []).map((r) => r.value!.toString().slice(0, 20));
  }
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setUp(files?: FaultyFileSystem, uplinkStallMs?: number) {
  const log = await SegmentLog.open({
    dir: await mkdtemp(join(tmpdir(), 'fm-forward-')),
    maxBytes: 1 << 24,
    segmentBytes: 1 << 20,
    fsync: 'never',
    onFull: 'block',
    ...(files ? { files } : {}),
  });
  const producer = new MemoryProducer();
  const seen = { forwarded: 0, deadLettered: [] as RecordRefusedByKafka[], bufferErrors: [] as unknown[], uplink: [] as boolean[] };
  const forwarder = new Forwarder(
    log,
    producer,
    { batchRecords: 100, idleWaitMs: 5, prepare: async () => {}, ...(uplinkStallMs === undefined ? {} : { uplinkStallMs }) },
    {
      onForwarded: (count) => (seen.forwarded += count),
      onUplinkChange: (up) => seen.uplink.push(up),
      onDeadLettered: (refusal) => seen.deadLettered.push(refusal),
      onBufferError: (error) => seen.bufferErrors.push(error),
    },
  );
  closers.push(
    () => log.close(),
    () => forwarder.close(),
  );
  const append = (values: Buffer[]) =>
    log.append((first) =>
      values.map((value, i) =>
        encodeEnvelope({ topic: 'plant.telemetry.raw.v1', key: 'press-7', value, headers: { 'fieldmesh.sequence': String(first + i), 'fieldmesh.connector': 'mqtt-line-1' } }),
      ),
    );
  return { log, producer, forwarder, seen, append };
}

const reading = (i: number) => Buffer.from(`reading-${i}`);

describe('Forwarder', () => {
  it('sends the provenance headers but not those only the buffer reads (reading id, receive time)', async () => {
    const { log, producer, forwarder } = await setUp();
    const headers = { 'fieldmesh.gateway': 'gw-1', 'fieldmesh.sequence': '1', [CONNECTOR_HEADER]: 'mqtt-line-1', [READING_ID_HEADER]: 'id-1', [RECEIVED_TIME_HEADER]: '1000' };
    await log.append([encodeEnvelope({ topic: 'plant.telemetry.raw.v1', key: 'press-7', value: reading(1), headers })]);
    forwarder.start();
    await expect.poll(() => log.stats.committedSeq).toBe(1);
    expect(producer.topics.get('plant.telemetry.raw.v1')![0]!.headers).toEqual({ 'fieldmesh.gateway': 'gw-1', 'fieldmesh.sequence': '1', [CONNECTOR_HEADER]: 'mqtt-line-1' });
  });

  it('dead-letters a record Kafka refuses for good, with bounded evidence, and forwards the rest in order', async () => {
    const { log, producer, forwarder, seen, append } = await setUp();
    producer.maxBytes.set('plant.telemetry.raw.v1', 1000);
    const huge = Buffer.alloc(100_000, 'x');
    await append([reading(1), reading(2), huge, reading(4), reading(5)]);
    forwarder.start();
    await expect.poll(() => log.stats.committedSeq).toBe(5);
    expect(producer.values('plant.telemetry.raw.v1')).toEqual(['reading-1', 'reading-2', 'reading-4', 'reading-5']);
    const [letter, ...more] = producer.topics.get('plant.telemetry.raw.v1.dlq') ?? [];
    expect(more).toEqual([]);
    expect(letter!.value!.length).toBe(DEAD_LETTER_EVIDENCE_BYTES);
    expect(letter!.key).toBe('press-7');
    expect(letter!.headers).toMatchObject({
      [DlqHeaders.topic]: 'plant.telemetry.raw.v1',
      [DlqHeaders.offset]: '3',
      [DlqHeaders.stage]: 'forward',
      [DlqHeaders.exceptionClassName]: 'RecordRefusedByKafka',
      [EVIDENCE_HEADER]: `truncated: the first ${DEAD_LETTER_EVIDENCE_BYTES} of 100000 bytes`,
      'fieldmesh.sequence': '3',
    });
    expect(String(letter!.headers![DlqHeaders.exceptionMessage])).toContain('MESSAGE_TOO_LARGE');
    expect(seen.deadLettered.map((r) => [r.seq, r.code])).toEqual([[3, 'MESSAGE_TOO_LARGE']]);
    expect(seen.forwarded).toBe(5);
    expect(seen.uplink).toEqual([]);
  });

  it('counts the uplink down while a send waits longer than uplinkStallMs, lets sources buffer meanwhile, and up once Kafka answers', async () => {
    const { log, producer, forwarder, seen, append } = await setUp(undefined, 50);
    let answer!: () => void;
    producer.answerAfter = new Promise((resolve) => (answer = resolve));
    await append([reading(1), reading(2)]);
    forwarder.start();
    await expect.poll(() => seen.uplink).toEqual([false]);
    expect(forwarder.uplink).toBe(false);
    // A source waiting for the forwarder to catch up is let go: the disk buffer takes the outage.
    await forwarder.caughtUp(0);
    expect(log.stats.committedSeq).toBe(0);
    answer();
    await expect.poll(() => log.stats.committedSeq).toBe(2);
    await expect.poll(() => seen.uplink).toEqual([false, true]);
    expect(producer.sends).toBe(1);
  });

  it('keeps resending through a retriable failure and dead-letters nothing', async () => {
    const { log, producer, forwarder, seen, append } = await setUp();
    producer.unreachableSends = 2;
    await append([reading(1), reading(2)]);
    forwarder.start();
    // Waits out the backoff (a bound, not a measurement).
    await expect.poll(() => log.stats.committedSeq, { timeout: 10_000 }).toBe(2);
    expect(producer.values('plant.telemetry.raw.v1')).toEqual(['reading-1', 'reading-2']);
    expect(producer.topics.has('plant.telemetry.raw.v1.dlq')).toBe(false);
    expect(seen.uplink).toEqual([false, true]);
  });

  it('sends the dead letter without evidence when the dead-letter topic refuses even the bounded one', async () => {
    const { log, producer, forwarder, append } = await setUp();
    producer.maxBytes.set('plant.telemetry.raw.v1', 1000);
    producer.maxBytes.set('plant.telemetry.raw.v1.dlq', 1000);
    await append([Buffer.alloc(50_000, 'x'), reading(2)]);
    forwarder.start();
    await expect.poll(() => log.stats.committedSeq).toBe(2);
    const [letter] = producer.topics.get('plant.telemetry.raw.v1.dlq')!;
    expect(letter!.value!.length).toBe(0);
    expect(letter!.headers![EVIDENCE_HEADER]).toBe('omitted: the original value had 50000 bytes');
    expect(producer.values('plant.telemetry.raw.v1')).toEqual(['reading-2']);
  });

  it('waits, without committing, while not even the dead letter is accepted, and goes on once it is', async () => {
    const { log, producer, forwarder, seen, append } = await setUp();
    producer.forbidden.add('plant.telemetry.raw.v1');
    producer.forbidden.add('plant.telemetry.raw.v1.dlq');
    await append([reading(1)]);
    forwarder.start();
    await expect.poll(() => seen.uplink).toEqual([false]);
    expect(log.stats.committedSeq).toBe(0);
    producer.forbidden.delete('plant.telemetry.raw.v1.dlq');
    await expect.poll(() => log.stats.committedSeq).toBe(1);
    expect(producer.topics.get('plant.telemetry.raw.v1.dlq')).toHaveLength(1);
    expect(seen.deadLettered.map((r) => r.code)).toEqual(['TOPIC_AUTHORIZATION_FAILED']);
  });

  it('goes on forwarding when the checkpoint cannot be saved, and saves it later', async () => {
    const files = new FaultyFileSystem();
    const { log, producer, forwarder, seen, append } = await setUp(files);
    files.inject({ kind: 'checkpoint-fails' });
    await append([reading(1)]);
    forwarder.start();
    await expect.poll(() => producer.values('plant.telemetry.raw.v1')).toEqual(['reading-1']);
    await append([reading(2)]);
    forwarder.notify();
    await expect.poll(() => producer.values('plant.telemetry.raw.v1')).toEqual(['reading-1', 'reading-2']);
    expect(seen.bufferErrors.map((e) => (e as Error).name)).toEqual(['CheckpointWriteFailed']);
    expect(log.stats).toMatchObject({ committedSeq: 2, failedCheckpoints: 1 });
  });

  it('holds a source back while Kafka is up and more than the allowed records wait, and lets it go once they are forwarded', async () => {
    const { log, producer, forwarder, append } = await setUp();
    await append([reading(1), reading(2), reading(3)]);
    let released = false;
    const waiting = forwarder.caughtUp(1).then(() => (released = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(released).toBe(false);
    forwarder.start();
    await waiting;
    expect(log.pending).toBeLessThanOrEqual(1);
    expect(producer.values('plant.telemetry.raw.v1')).toContain('reading-1');
  });

  it('never holds a source back while Kafka is unreachable (the buffer is for outages), nor once the source stops', async () => {
    const { forwarder, seen, append, producer } = await setUp();
    producer.unreachableSends = 1_000;
    await append([reading(1), reading(2)]);
    const stop = new AbortController();
    const stopped = forwarder.caughtUp(0, stop.signal);
    stop.abort();
    await stopped;
    forwarder.start();
    await expect.poll(() => seen.uplink).toEqual([false]);
    await forwarder.caughtUp(0);
  });
});
