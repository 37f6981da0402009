import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_STACKS_DIR, startStack, type Stack } from '@fieldmesh/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, KafkaAccessAdmin, type KafkaSecurity } from '../src/index';
import { formatReport, runBrokerKills } from './broker-kills.scenario';

// Its own stack of three brokers (the run's shared stack has one): started here, stopped after.
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    dir: join(TEST_STACKS_DIR, `broker-kills-${process.pid}`),
    services: ['kafka'],
    kafka: { brokers: 3 },
    log: (line) => console.log(`[broker-kills stack] ${line}`),
  });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

function securityAs(username: string, password: string): KafkaSecurity {
  return { protocol: 'SASL_SSL', caFile: stack.addresses.kafkaCaFile!, sasl: { mechanism: 'SCRAM-SHA-512', username, password } };
}

/** Sends one record through `broker` alone as bootstrap; retried while the user's credential may still be on its way to that broker's metadata. */
async function sendThrough(broker: string, security: KafkaSecurity, topic: string, deadlineMs = 15_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const producer = createKafka({ clientId: 'cluster-access', brokers: [broker], security }).producer();
    try {
      await producer.connect();
      await producer.send([{ topic, key: 'asset-1', value: Buffer.from(broker) }]);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }
}

describe('a 3-broker cluster', () => {
  it('lists its three brokers, and takes a SCRAM user and its ACLs made through one broker on every broker', async () => {
    const brokers = stack
      .status()
      .filter((service) => service.name.startsWith('kafka'))
      .map((service) => (expect(service.running).toBe(true), service.addresses.kafkaBrokers!));
    expect(brokers).toHaveLength(3);
    expect(stack.addresses.kafkaBrokers).toBe(brokers.join(','));

    const admin = securityAs(stack.addresses.kafkaSaslUsername!, stack.addresses.kafkaSaslPassword!);
    const kafka = createKafka({ clientId: 'cluster-access', brokers: [brokers[0]!], security: admin });
    const topics = { granted: `cluster-access.granted.${randomBytes(4).toString('hex')}`, other: `cluster-access.other.${randomBytes(4).toString('hex')}` };
    const topicAdmin = kafka.admin();
    await topicAdmin.connect();
    const access = new KafkaAccessAdmin({ clientId: 'cluster-access', brokers: [brokers[0]!], security: admin });
    try {
      await topicAdmin.createTopics(Object.values(topics).map((topic) => ({ topic, partitions: 3, replicationFactor: 3 })));
      const partitions = await topicAdmin.describeTopicPartitions(topics.granted);
      expect(partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3]);
      const password = randomBytes(18).toString('base64url');
      await access.upsertScramUser('cluster-probe', password);
      await access.createAcls([{ principal: 'User:cluster-probe', resourceType: 'TOPIC', resourceName: topics.granted, patternType: 'LITERAL', operation: 'WRITE' }]);
      for (const broker of brokers) await sendThrough(broker, securityAs('cluster-probe', password), topics.granted);
      for (const broker of brokers) await expect(sendThrough(broker, securityAs('cluster-probe', password), topics.other, 0)).rejects.toThrow();
      await expect(sendThrough(brokers[2]!, securityAs('cluster-probe', 'wrong password'), topics.granted, 0)).rejects.toThrow();
    } finally {
      await topicAdmin.deleteTopics(Object.values(topics)).catch(() => undefined);
      await topicAdmin.disconnect();
      await access.close();
    }
  }, 120_000);

  it('keeps every acknowledged record of an acks=all idempotent producer, once, in key order, while partition leaders are killed (kill -9) and restarted (100,000 records, 3 kills)', async () => {
    const report = await runBrokerKills({ stack, records: 100_000, kills: 3, log: (line) => console.log(`[broker-kills] ${line}`) });
    console.log(formatReport(report));
    expect(report.kills).toHaveLength(3);
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.acknowledged + report.unacknowledged).toBe(100_000);
    expect({ missing: report.missing, duplicates: report.duplicates, outOfOrder: report.outOfOrder, foreign: report.foreign }).toEqual({
      missing: 0,
      duplicates: 0,
      outOfOrder: 0,
      foreign: 0,
    });
  }, 300_000);
});
