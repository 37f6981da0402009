import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka, DlqHeaders, dlqTopicFor, readTopicToEnd } from '@fieldmesh/kafka';
import { describe, expect, inject, it } from 'vitest';
import { encodeEnvelope } from '../src/buffer/envelope';
import { SegmentLog } from '../src/buffer/segment-log';
import { EVIDENCE_HEADER } from '../src/forward/dead-letter.builder';
import type { RecordRefusedByKafka } from '../src/forward/errors';
import { Forwarder } from '../src/forward/forwarder';

describe('the forwarder on a real Kafka', () => {
  it.each(['platformatic', 'kafkajs'] as const)("dead-letters a record larger than the topic's max.message.bytes and forwards the rest (%s)", async (client) => {
    const kafka = createKafka({ clientId: 'buffer-forwarder-test', brokers: [inject('kafkaBrokers')], client });
    const topic = `test.forward-refused.${randomUUID().slice(0, 8)}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics([
      { topic, partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '4096' } },
      { topic: dlqTopicFor(topic), partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '65536' } },
    ]);
    await admin.disconnect();
    const dir = await mkdtemp(join(tmpdir(), 'fm-forward-kafka-'));
    const log = await SegmentLog.open({ dir, maxBytes: 1 << 24, segmentBytes: 1 << 20, fsync: 'never', onFull: 'block' });
    // Incompressible, so that no codec brings it under the limit.
    const huge = Buffer.from(Array.from({ length: 200_000 }, () => Math.floor(Math.random() * 256)));
    const values = [Buffer.from('reading-1'), huge, Buffer.from('reading-3')];
    await log.append((first) => values.map((value, i) => encodeEnvelope({ topic, key: 'press-7', value, headers: { 'fieldmesh.sequence': String(first + i) } })));
    const producer = kafka.producer();
    const refused: RecordRefusedByKafka[] = [];
    const forwarder = new Forwarder(
      log,
      producer,
      { batchRecords: 100, idleWaitMs: 20, prepare: () => producer.connect() },
      {
        onForwarded: () => undefined,
        onUplinkChange: () => undefined,
        onDeadLettered: (refusal) => refused.push(refusal),
        onBufferError: () => undefined,
      },
    );
    try {
      forwarder.start();
      await expect.poll(() => log.stats.committedSeq, { timeout: 60_000, interval: 100 }).toBe(3);
      const forwarded = await readTopicToEnd(kafka, topic);
      expect(forwarded.map((r) => r.value?.toString())).toEqual(['reading-1', 'reading-3']);
      const [letter, ...more] = await readTopicToEnd(kafka, dlqTopicFor(topic));
      expect(more).toEqual([]);
      expect(letter!.value!.length).toBeLessThan(huge.length);
      expect(letter!.value!.equals(huge.subarray(0, letter!.value!.length))).toBe(true);
      expect(letter!.headers[DlqHeaders.topic]?.toString()).toBe(topic);
      expect(letter!.headers[DlqHeaders.stage]?.toString()).toBe('forward');
      expect(letter!.headers[DlqHeaders.offset]?.toString()).toBe('2');
      expect(letter!.headers[EVIDENCE_HEADER]?.toString()).toMatch(/^truncated: the first \d+ of 200000 bytes$/);
      expect(refused.map((r) => [r.seq, r.code])).toEqual([[2, 'MESSAGE_TOO_LARGE']]);
    } finally {
      await forwarder.close();
      await producer.disconnect();
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
