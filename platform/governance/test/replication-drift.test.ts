import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createKafka, type KafkaAdminPort } from '@fieldmesh/kafka';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkDrift, loadContract, provisionProduct, type LoadedContract } from '../src/index';

const registryUrl = inject('registryUrl');
let admin: KafkaAdminPort;
const created: string[] = [];

/** The raw telemetry contract (replication factor 3, min.insync.replicas 2) on a topic of its own. */
function uniqueProduct(): LoadedContract {
  const loaded = loadContract(join(REPO_ROOT, 'contracts/plant-telemetry/raw.yaml'), REPO_ROOT);
  const topic = `test-${randomUUID().slice(0, 8)}.plant.telemetry.raw.v1`;
  created.push(topic, `${topic}.dlq`);
  return { ...loaded, contract: { ...loaded.contract, kafka: { ...loaded.contract.kafka, topic, partitions: 1 } } };
}

beforeAll(async () => {
  admin = createKafka({ clientId: 'replication-drift-test', brokers: inject('kafkaBrokers').split(',') }).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.deleteTopics(created).catch(() => undefined);
  await admin.disconnect();
});

describe("a contract's replication on the test stack's single broker", () => {
  it('is capped to replication factor 1 and min.insync.replicas 1, which the drift check then expects', async () => {
    const product = uniqueProduct();
    const topic = product.contract.kafka.topic;
    expect(product.contract.kafka).toMatchObject({ replicationFactor: 3, minInSyncReplicas: 2 });
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    const result = await provisionProduct(product, { admin, registryUrl });
    expect(result.warnings).toEqual([]);
    expect((await admin.describeTopicPartitions(topic)).map((p) => p.replicas.length)).toEqual([1]);
    expect((await admin.describeTopicConfigs(topic))['min.insync.replicas']).toBe('1');
    expect((await admin.describeTopicConfigs(`${topic}.dlq`))['min.insync.replicas']).toBe('1');
    expect(await checkDrift(product, { admin, registryUrl })).toEqual([]);
  });

  it('reports a min.insync.replicas changed by hand (acks=all writes would fail), and provisioning puts it back', async () => {
    const product = uniqueProduct();
    const topic = product.contract.kafka.topic;
    await provisionProduct(product, { admin, registryUrl });
    await admin.alterTopicConfigs(topic, { 'min.insync.replicas': '2' });
    expect(await checkDrift(product, { admin, registryUrl })).toEqual([
      { product: 'plant-telemetry.raw', target: 'topic', field: 'min.insync.replicas', expected: "1 (the contract's 2, capped: 1 broker(s))", actual: '2', severity: 'error' },
    ]);
    const repaired = await provisionProduct(product, { admin, registryUrl });
    expect(repaired).toMatchObject({ topicAction: 'updated', changedConfigs: { 'min.insync.replicas': ['2', '1'] } });
    expect(await checkDrift(product, { admin, registryUrl })).toEqual([]);
  });
});
