import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createKafka, type KafkaAdminPort } from '@fieldmesh/kafka';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consumerExampleFor, loadContract, provisionProduct, valueSubjectFor, type LoadedContract } from '../src/index';

const brokers = inject('kafkaBrokers');
const registryUrl = inject('registryUrl');
// Under the repository so that the example's imports resolve from its node_modules, as in a user's project.
const workDir = join(REPO_ROOT, '.fieldmesh', 'tmp', `consumer-example-${randomUUID().slice(0, 8)}`);
const topics: string[] = [];
let admin: KafkaAdminPort;
let example: ChildProcess | undefined;

beforeAll(async () => {
  mkdirSync(workDir, { recursive: true });
  admin = createKafka({ clientId: 'consumer-example-test', brokers: brokers.split(',') }).admin();
  await admin.connect();
});

afterAll(async () => {
  if (example?.pid !== undefined && example.exitCode === null) example.kill('SIGKILL');
  await admin.deleteTopics(topics).catch(() => undefined);
  await admin.disconnect();
  rmSync(workDir, { recursive: true, force: true });
});

/** The anomaly scores contract on a topic of its own, provisioned (topic and schema) on the test stack. */
async function scoresProduct(): Promise<LoadedContract> {
  const loaded = loadContract(join(REPO_ROOT, 'contracts', 'asset-health', 'anomaly-scores.yaml'), REPO_ROOT);
  const topic = `test-${randomUUID().slice(0, 8)}.asset-health.anomaly-scores.v1`;
  topics.push(topic, `${topic}.dlq`);
  const product = { ...loaded, contract: { ...loaded.contract, kafka: { ...loaded.contract.kafka, topic, partitions: 1 } } };
  await provisionProduct(product, { admin, registryUrl });
  return product;
}

describe('the consumer example', () => {
  it('run as written, decodes a record a producer wrote in the Confluent wire format', async () => {
    const product = await scoresProduct();
    const registry = new SchemaRegistry({ host: registryUrl });
    const schemaId = await registry.getLatestSchemaId(valueSubjectFor(product.contract));
    const record = {
      assetPath: 'plant-1/area-a/line-2/pump-7',
      assetClass: 'pump',
      windowStart: 1_700_000_000_000,
      windowEnd: 1_700_000_060_000,
      modelName: 'pump-iforest',
      modelVersion: '3',
      role: 'CHAMPION',
      score: 42.5,
      threshold: 30,
      anomalous: true,
      contributors: [{ feature: 'vibration_rms', share: 0.7, value: 9.1, expected: 2.3 }],
      imputedFeatures: [],
    };
    const producer = createKafka({ clientId: 'consumer-example-test', brokers: brokers.split(',') }).producer();
    await producer.connect();
    await producer.send([{ topic: product.contract.kafka.topic, key: record.assetPath, value: await registry.encode(schemaId, record) }]);
    await producer.disconnect();

    const file = join(workDir, 'consumer.ts');
    // As written, but a group of its own: the broker is shared by concurrent test runs.
    writeFileSync(file, consumerExampleFor(product, { kafkaBrokers: brokers, registryUrl }).replace("groupId: 'my-service.", `groupId: 'test-${randomUUID().slice(0, 8)}.`));
    example = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [file], {
      cwd: workDir,
      env: {
        ...process.env,
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        KAFKA_SSL_CA_FILE: inject('kafkaCaFile'),
        KAFKA_SASL_USERNAME: inject('kafkaSaslUsername'),
        KAFKA_SASL_PASSWORD: inject('kafkaSaslPassword'),
      },
    });
    let output = '';
    example.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    example.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 90_000;
    while (!output.includes('pump-iforest') && example.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    example.kill('SIGINT');

    // console.log(partition, offset, key, record): the key and the decoded record with its nested contributors.
    expect(output).toMatch(/^0 0 plant-1\/area-a\/line-2\/pump-7 AnomalyScore \{$/m);
    expect(output).toContain("modelName: 'pump-iforest'");
    expect(output).toContain("role: 'CHAMPION'");
    expect(output).toMatch(/feature: 'vibration_rms'/);
  }, 150_000);
});
