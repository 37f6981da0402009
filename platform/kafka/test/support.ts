import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createKafka, type ConsumedRecord, type KafkaClientName, type KafkaConsumerPort, type KafkaPort } from '../src/index';

export const ADAPTERS: KafkaClientName[] = ['kafkajs', 'platformatic'];

export function brokers(): string[] {
  return inject('kafkaBrokers').split(',');
}

export function kafkaFor(client: KafkaClientName): KafkaPort {
  return createKafka({ clientId: `kafka-test-${client}`, brokers: brokers(), client });
}

/** Topic and group names unique per test: the broker is shared by every test run. */
export function uniqueName(prefix: string): string {
  return `test.${prefix}.${randomUUID().slice(0, 8)}`;
}

/** Creates a topic with the given partitions and deletes it when the returned function is called. */
export async function withTopic(kafka: KafkaPort, partitions = 1): Promise<{ topic: string; drop: () => Promise<void> }> {
  const topic = uniqueName('topic');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics([{ topic, partitions, replicationFactor: 1 }]);
  return {
    topic,
    drop: async () => {
      await admin.deleteTopics([topic]).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** Resolves when `predicate` holds, checking every 50 ms; rejects with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs a consumer that records every delivered record until `count` distinct offsets were seen. */
export async function consumeAll(
  consumer: KafkaConsumerPort,
  count: number,
  handler: (records: ConsumedRecord[]) => Promise<void> = async () => undefined,
): Promise<ConsumedRecord[]> {
  const seen = new Map<string, ConsumedRecord>();
  await consumer.connect();
  await consumer.run(async ({ records }) => {
    await handler(records);
    for (const r of records) seen.set(`${r.partition}/${r.offset}`, r);
  });
  await waitFor(`${count} records`, () => seen.size >= count);
  return [...seen.values()];
}
