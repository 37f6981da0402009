import { describe, expect, it } from 'vitest';
import { TopicFollower } from '../src/index';
import { consumeAll, kafkaFor, uniqueName, withTopic } from './support';

describe('TopicFollower on a topic written in transactions', () => {
  const kafka = kafkaFor('platformatic');

  let written = 0;
  /** Writes `values` to `output` in one committed transaction: an exactly-once consumer of a one-record topic produces them with its commit. */
  async function writeInTransaction(output: string, values: string[]): Promise<void> {
    const { topic: input, drop } = await withTopic(kafka, 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([{ topic: input, key: 'k', value: Buffer.from('go') }]);
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: uniqueName('tx-writer'), topics: [input], transactionalId: uniqueName('tx-writer'), maxWaitMs: 50 });
    await consumer.connect();
    await consumer.run(async ({ records }) => ({
      commit: records.map((r) => ({ topic: r.topic, partition: r.partition, offset: String(BigInt(r.offset) + 1n) })),
      produce: values.map((value) => ({ topic: output, key: 'k', value: Buffer.from(value) })),
    }));
    // Read committed: the records show once their transaction (and its marker) is committed.
    const reader = kafka.consumer({ groupId: uniqueName('tx-reader'), topics: [output], maxWaitMs: 50 });
    const visible = await consumeAll(reader, written + values.length);
    await reader.disconnect();
    expect(visible).toHaveLength(written + values.length);
    written += values.length;
    await consumer.disconnect();
    await drop();
  }

  it('catches up at start and on request although the topic ends with a commit marker, which is no record', async () => {
    const { topic: output, drop } = await withTopic(kafka, 1);
    const seen: string[] = [];
    const follower = new TopicFollower(kafka, { topic: output, groupPrefix: uniqueName('follower'), catchUpTimeoutMs: 20_000 }, (record) => void seen.push(String(record.value)));
    try {
      await writeInTransaction(output, ['a', 'b']);
      await follower.start();
      // Before the consumer's positions, the end offset (after the marker) was never reached by a record: TopicEndNotReached.
      await follower.caughtUp;
      expect(seen).toEqual(['a', 'b']);

      await writeInTransaction(output, ['c']);
      await follower.catchUp(20_000);
      expect(seen).toEqual(['a', 'b', 'c']);
    } finally {
      await follower.stop();
      await drop();
    }
  });
});
