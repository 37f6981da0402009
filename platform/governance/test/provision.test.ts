import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createKafka, type KafkaAdminPort } from '@fieldmesh/kafka';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkDrift, DLQ_MIN_RETENTION_MS, loadContract, provisionProduct, provisionStreamJob, SchemaIncompatible, type LoadedContract } from '../src/index';

const registryUrl = inject('registryUrl');
let admin: KafkaAdminPort;
const created: string[] = [];

/** The raw telemetry contract on a topic of its own, so tests never touch the real product's topic. */
function uniqueProduct(): LoadedContract {
  const loaded = loadContract(join(REPO_ROOT, 'contracts/plant-telemetry/raw.yaml'), REPO_ROOT);
  const topic = `test-${randomUUID().slice(0, 8)}.plant.telemetry.raw.v1`;
  created.push(topic, `${topic}.dlq`);
  return { ...loaded, contract: { ...loaded.contract, kafka: { ...loaded.contract.kafka, topic, partitions: 3 } } };
}

beforeAll(async () => {
  admin = createKafka({ clientId: 'governance-test', brokers: inject('kafkaBrokers').split(',') }).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.deleteTopics(created).catch(() => undefined);
  await admin.disconnect();
});

describe('provisioning a product from its contract', () => {
  it('creates the topic with the retention, the DLQ, the compatibility level and the schema; a second run changes nothing', async () => {
    const product = uniqueProduct();
    const first = await provisionProduct(product, { admin, registryUrl });
    expect(first).toMatchObject({ topicAction: 'created', dlqAction: 'created', compatibilityAction: 'set', schemaAction: 'registered', schemaVersion: 1, warnings: [] });

    const configs = await admin.describeTopicConfigs(product.contract.kafka.topic);
    expect(configs['retention.ms']).toBe(String(7 * 86_400_000));
    expect(configs['cleanup.policy']).toBe('delete');
    expect(await admin.fetchTopicEndOffsets(product.contract.kafka.topic)).toHaveLength(3);
    expect(await admin.listTopics()).toContain(`${product.contract.kafka.topic}.dlq`);
    const level = await fetch(`${registryUrl}/config/${product.contract.kafka.topic}-value`).then((r) => r.json());
    expect(level).toEqual({ compatibilityLevel: 'BACKWARD_TRANSITIVE' });

    const second = await provisionProduct(product, { admin, registryUrl });
    expect(second).toMatchObject({
      topicAction: 'unchanged',
      changedConfigs: {},
      dlqAction: 'unchanged',
      compatibilityAction: 'unchanged',
      schemaAction: 'unchanged',
      schemaId: first.schemaId,
    });
    expect(await checkDrift(product, { admin, registryUrl })).toEqual([]);
  });

  it('puts back a retention changed by hand, and the drift check reports it until then', async () => {
    const product = uniqueProduct();
    const topic = product.contract.kafka.topic;
    await provisionProduct(product, { admin, registryUrl });
    await admin.alterTopicConfigs(topic, { 'retention.ms': '3600000' });

    expect(await checkDrift(product, { admin, registryUrl })).toEqual([
      { product: 'plant-telemetry.raw', target: 'topic', field: 'retention.ms', expected: '604800000', actual: '3600000', severity: 'error' },
    ]);
    const repaired = await provisionProduct(product, { admin, registryUrl });
    expect(repaired).toMatchObject({ topicAction: 'updated', changedConfigs: { 'retention.ms': ['3600000', '604800000'] } });
    expect(await checkDrift(product, { admin, registryUrl })).toEqual([]);
  });

  it('refuses a contract whose schema breaks the subject compatibility, naming the contract', async () => {
    const product = uniqueProduct();
    await provisionProduct(product, { admin, registryUrl });
    const schema = product.avroSchema as { fields: Array<{ name: string }> };
    // A new field without a default: readers of the new schema cannot read the records already written.
    const broken = { ...product, avroSchema: { ...product.avroSchema, fields: [...schema.fields, { name: 'plantCode', type: 'string' }] } } as LoadedContract;
    const error = await provisionProduct(broken, { admin, registryUrl }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaIncompatible);
    expect(error).toMatchObject({ subject: `${product.contract.kafka.topic}-value`, level: 'BACKWARD_TRANSITIVE', contractFile: product.file });
  });
});

describe('provisioning the DLQs by one rule', () => {
  it('sets back the retention of a DLQ created by another rule', async () => {
    const product = uniqueProduct();
    const dlq = `${product.contract.kafka.topic}.dlq`;
    // The gateway used to create its DLQ with the product's own retention (7 days for raw telemetry).
    await admin.createTopics([{ topic: dlq, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': String(7 * 86_400_000) } }]);
    const result = await provisionProduct(product, { admin, registryUrl });
    expect(result.dlqAction).toBe('updated');
    expect((await admin.describeTopicConfigs(dlq))['retention.ms']).toBe(String(DLQ_MIN_RETENTION_MS));
  });

  it('provisions a stream job: its outputs as products on their topics, and the DLQ of its input by the same rule', async () => {
    const product = uniqueProduct();
    const input = uniqueProduct();
    const kafka = createKafka({ clientId: 'governance-test', brokers: inject('kafkaBrokers').split(',') });
    const [result] = await provisionStreamJob(
      kafka,
      { url: registryUrl },
      { outputs: [{ contract: product, topic: product.contract.kafka.topic }], inputs: [{ contract: input, topic: input.contract.kafka.topic }] },
    );
    expect(result).toMatchObject({ topicAction: 'created', dlqAction: 'created', subject: `${product.contract.kafka.topic}-value` });
    const listed = await admin.listTopics();
    expect(listed).toContain(`${input.contract.kafka.topic}.dlq`);
    expect(listed).not.toContain(input.contract.kafka.topic);
    expect((await admin.describeTopicConfigs(`${input.contract.kafka.topic}.dlq`))['retention.ms']).toBe(String(DLQ_MIN_RETENTION_MS));
  });
});

describe('drift check', () => {
  it('reports a missing topic, an unregistered schema and an unset compatibility level', async () => {
    const product = uniqueProduct();
    const findings = await checkDrift(product, { admin, registryUrl });
    expect(findings.map((f) => [f.target, f.field, f.severity])).toEqual([
      ['topic', 'exists', 'error'],
      ['topic', 'dlq', 'warning'],
      ['registry', 'compatibility', 'error'],
      ['registry', 'schema', 'error'],
    ]);
    expect(findings[2]!.actual).toMatch(/global default/);
  });

  it('reports a compatibility level and a latest schema changed behind the contract’s back', async () => {
    const product = uniqueProduct();
    const subject = `${product.contract.kafka.topic}-value`;
    await provisionProduct(product, { admin, registryUrl });
    // Behind the contract's back, but as someone allowed to: the stack registry's governance lead.
    const json = { 'content-type': 'application/vnd.schemaregistry.v1+json', authorization: `Bearer ${inject('registryLeadToken')}` };
    expect((await fetch(`${registryUrl}/config/${subject}`, { method: 'PUT', headers: json, body: JSON.stringify({ compatibility: 'NONE' }) })).status).toBe(200);
    const schema = product.avroSchema as { fields: object[] };
    const newer = { ...product.avroSchema, fields: [...schema.fields, { name: 'extra', type: ['null', 'string'], default: null }] };
    expect((await fetch(`${registryUrl}/subjects/${subject}/versions`, { method: 'POST', headers: json, body: JSON.stringify({ schema: JSON.stringify(newer) }) })).status).toBe(
      200,
    );

    const findings = await checkDrift(product, { admin, registryUrl });
    expect(findings).toEqual([
      { product: 'plant-telemetry.raw', target: 'registry', field: 'compatibility', expected: 'BACKWARD_TRANSITIVE', actual: 'NONE', severity: 'error' },
      expect.objectContaining({
        target: 'registry',
        field: 'schema',
        severity: 'error',
        actual: expect.stringMatching(/^latest is version 2 \(id \d+\); the contract's schema is version 1$/),
      }),
    ]);
  });

  it('adds the findings of the injected table check, as table findings of the product', async () => {
    const product = uniqueProduct();
    await provisionProduct(product, { admin, registryUrl });
    const checked: string[] = [];
    const checkTable = async (loaded: LoadedContract) => {
      checked.push(loaded.contract.kafka.topic);
      return [{ field: 'ttl', expected: '90 days', actual: '30 days', severity: 'error' as const }];
    };
    expect(await checkDrift(product, { admin, registryUrl, checkTable })).toEqual([
      { product: 'plant-telemetry.raw', target: 'table', field: 'ttl', expected: '90 days', actual: '30 days', severity: 'error' },
    ]);
    expect(checked).toEqual([product.contract.kafka.topic]);
  });
});

describe("a contract's replication on the test stack's single broker", () => {
  it('is capped to replication factor 1 and min.insync.replicas 1, which the drift check then expects', async () => {
    const product = uniqueProduct();
    const topic = product.contract.kafka.topic;
    expect(product.contract.kafka).toMatchObject({ replicationFactor: 3, minInSyncReplicas: 2 });
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    const result = await provisionProduct(product, { admin, registryUrl });
    expect(result.warnings).toEqual([]);
    expect((await admin.describeTopicPartitions(topic)).map((p) => p.replicas.length)).toEqual([1, 1, 1]);
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
