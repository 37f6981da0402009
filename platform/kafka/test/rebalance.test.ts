import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { BatchHandler, KafkaClientName, KafkaPort } from '../src/index';
import { ADAPTERS, kafkaFor, uniqueName, waitFor, withTopic } from './support';

type Member = 'first' | 'second';

interface Delivery {
  member: Member;
  partitions: number[];
  /** The partitions the member held when the batch was cut, as the port reports them. */
  assigned: number[];
}

/** Produces ten records with ids 0, 1, 2… every 50 ms (keys spread them over the partitions) until stopped. */
function feed(kafka: KafkaPort, topic: string): { stop(): Promise<number> } {
  const producer = kafka.producer();
  let running = true;
  let produced = 0;
  const loop = (async () => {
    await producer.connect();
    while (running) {
      const ids = Array.from({ length: 10 }, (_, i) => String(produced + i));
      await producer.send(ids.map((id) => ({ topic, key: id, value: Buffer.from(id) })));
      produced += ids.length;
      await sleep(50);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop.finally(() => producer.disconnect());
      return produced;
    },
  };
}

describe.each(ADAPTERS)('a member joining a group on %s', (client: KafkaClientName) => {
  const kafka = kafkaFor(client);

  it('takes over partitions only after the first member finished its batch in flight, and each record is handled once', async () => {
    const { topic, drop } = await withTopic(kafka, 4);
    const groupId = uniqueName('group');
    const options = { groupId, topics: [topic], maxBatchRecords: 20, sessionTimeoutMs: 10_000 };
    const first = kafka.consumer(options);
    const second = kafka.consumer(options);
    const admin = kafka.admin();
    const feeding = feed(kafka, topic);
    let stopFeeding: Promise<number> | undefined;
    /** Every handler call in the order it began. */
    const deliveries: Delivery[] = [];
    /** How often each record id was handled by a handler that resolved (its offsets are then committed). */
    const handled = new Map<string, number>();
    let secondJoined: Promise<void> | undefined;
    let secondReceived: () => void = () => undefined;
    const secondReceives = new Promise<void>((resolve) => (secondReceived = resolve));

    const handlerOf =
      (member: Member, slow: (call: number) => Promise<unknown>): BatchHandler =>
      async ({ records, assignment }) => {
        const call = deliveries.filter((d) => d.member === member).length + 1;
        const assigned = (assignment ?? []).filter((p) => p.topic === topic).map((p) => p.partition);
        deliveries.push({ member, partitions: [...new Set(records.map((r) => r.partition))], assigned });
        await slow(call);
        for (const record of records) {
          const id = record.value!.toString();
          handled.set(id, (handled.get(id) ?? 0) + 1);
        }
      };
    try {
      await admin.connect();
      await first.connect();
      await second.connect();
      await first.run(
        handlerOf('first', async (call) => {
          if (call !== 3) return sleep(100);
          // The second member asks to join while this batch is in flight. The batch is held until the second
          // member is handed records or for a few of the first member's heartbeats (one per second), so the
          // first member learns of the rebalance mid-batch.
          secondJoined = second.run(
            handlerOf('second', async () => {
              secondReceived();
              await sleep(100);
            }),
          );
          return Promise.race([secondReceives, sleep(3_000)]);
        }),
      );
      await waitFor('the second member to be asked to join', () => secondJoined !== undefined, 60_000);
      await secondJoined;
      await waitFor(
        'both members to handle batches after the join',
        () => {
          const joinedAt = deliveries.findIndex((d) => d.member === 'second');
          const sinceJoin = deliveries.slice(joinedAt);
          return joinedAt >= 0 && sinceJoin.filter((d) => d.member === 'first').length >= 5 && sinceJoin.filter((d) => d.member === 'second').length >= 5;
        },
        60_000,
      );
      stopFeeding = feeding.stop();
      const produced = await stopFeeding;
      const ends = await admin.fetchTopicEndOffsets(topic);
      await waitFor('the group to commit every record', async () => JSON.stringify(await admin.fetchGroupOffsets(groupId, topic)) === JSON.stringify(ends), 60_000);

      const firstOfSecond = deliveries.findIndex((d) => d.member === 'second');
      const takenOver = new Set(deliveries.filter((d) => d.member === 'second').flatMap((d) => d.partitions));
      const firstAfterJoin = deliveries.slice(firstOfSecond).filter((d) => d.member === 'first');
      expect(takenOver.size).toBeGreaterThan(0);
      expect(firstAfterJoin.flatMap((d) => d.partitions).filter((p) => takenOver.has(p))).toEqual([]);
      expect(deliveries.filter((d) => !d.partitions.every((p) => d.assigned.includes(p)))).toEqual([]);
      const lastShares = (['first', 'second'] as const).map((member) => deliveries.findLast((d) => d.member === member)!.assigned);
      expect(lastShares.flat().sort()).toEqual([0, 1, 2, 3]);
      const handledTwice = [...handled].filter(([, count]) => count > 1).map(([id]) => id);
      expect(handledTwice).toEqual([]);
      expect(handled.size).toBe(produced);
    } finally {
      await (stopFeeding ?? feeding.stop()).catch(() => undefined);
      await second.disconnect();
      await first.disconnect();
      await admin.disconnect();
      await drop();
    }
  });
});
