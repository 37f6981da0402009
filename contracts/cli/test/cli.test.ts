import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '@clickhouse/client';
import { createKafka, KafkaAccessAdmin, type KafkaAdminPort, type KafkaPort } from '@fieldmesh/kafka';
import { clickhouseDataset, columnLineage, identityColumnLineage, kafkaDataset, lineageEmitter, mqttDataset, opcuaDataset } from '@fieldmesh/lineage';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const BIN = join(REPO_ROOT, 'node_modules', '.bin', 'fieldmesh');
const brokers = inject('kafkaBrokers');
const registryUrl = inject('registryUrl');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the installed `fieldmesh` bin as a user would, with the stack's addresses in the environment. */
async function fieldmesh(...args: string[]): Promise<Run> {
  const env = {
    ...process.env,
    FIELDMESH_KAFKA_BROKERS: brokers,
    FIELDMESH_REGISTRY_URL: registryUrl,
    FIELDMESH_CLICKHOUSE_URL: inject('clickhouseUrl'),
    FIELDMESH_CLICKHOUSE_USER: inject('clickhouseUser'),
    FIELDMESH_CLICKHOUSE_PASSWORD: inject('clickhousePassword'),
    // Principals of this file's own: another test's apply may not take their grants away.
    FIELDMESH_KAFKA_SECRETS_DIR: kafkaSecretsDir,
    FIELDMESH_KAFKA_PRINCIPAL_PREFIX: principalPrefix,
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(BIN, args, { cwd: REPO_ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let kafka: KafkaPort;
let admin: KafkaAdminPort;
const kafkaSecretsDir = mkdtempSync(join(tmpdir(), 'fieldmesh-cli-kafka-secrets-'));
const principalPrefix = `cli-${randomUUID().slice(0, 8)}`;
const dirs: string[] = [kafkaSecretsDir];
const topics: string[] = [];
const tables: string[] = [];

const tableOf = (topic: string) => topic.replace(/[^A-Za-z0-9]+/g, '_');

/** A repository root holding the raw telemetry contract on a topic of its own. */
function productRoot(): { root: string; topic: string } {
  const root = mkdtempSync(join(tmpdir(), 'fieldmesh-cli-'));
  dirs.push(root);
  const topic = `test-${randomUUID().slice(0, 8)}.plant.telemetry.raw.v1`;
  topics.push(topic, `${topic}.dlq`);
  tables.push(tableOf(topic));
  mkdirSync(join(root, 'contracts', 'plant-telemetry'), { recursive: true });
  cpSync(join(REPO_ROOT, 'schemas'), join(root, 'schemas'), { recursive: true });
  const text = readFileSync(join(REPO_ROOT, 'contracts', 'plant-telemetry', 'raw.yaml'), 'utf8');
  writeFileSync(join(root, 'contracts', 'plant-telemetry', 'raw.yaml'), text.replace('topic: plant.telemetry.raw.v1', `topic: ${topic}`));
  return { root, topic };
}

beforeAll(async () => {
  kafka = createKafka({ clientId: 'cli-test', brokers: brokers.split(',') });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.deleteTopics(topics).catch(() => undefined);
  await admin.disconnect();
  const clickhouse = createClient({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword') });
  for (const table of tables) await clickhouse.command({ query: `DROP TABLE IF EXISTS fieldmesh.${table}` });
  await clickhouse.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('fieldmesh --help', () => {
  it.each([
    ['products', 'apply'],
    ['governance', 'check'],
    ['lineage', 'show'],
    ['contracts', 'lint'],
  ])('%s %s --help explains the command', async (group, verb) => {
    const { code, stdout } = await fieldmesh(group, verb, '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: fieldmesh ${group} ${verb}`));
  });

  it('lists the commands and refuses an unknown one with exit code 2', async () => {
    expect((await fieldmesh('--help')).stdout).toContain('governance check');
    const unknown = await fieldmesh('products', 'destroy');
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'fieldmesh products destroy'") });
  });
});

describe('fieldmesh products apply and governance check', () => {
  it('apply then check finds no drift; a second apply changes nothing', async () => {
    const { root, topic } = productRoot();
    const applied = await fieldmesh('products', 'apply', '--root', root);
    expect(applied.code).toBe(0);
    expect(applied.stderr).toContain('[1/1] applying plant-telemetry.raw');
    expect(applied.stdout).toMatch(
      new RegExp(
        `^plant-telemetry.raw  ${topic.replaceAll('.', '\\.')}: topic created · dlq created · compatibility BACKWARD_TRANSITIVE set · schema v1 \\(id \\d+\\) registered · table fieldmesh\\.${tableOf(topic)} created$`,
        'm',
      ),
    );

    expect(applied.stdout).toMatch(/^kafka access: \d+ principal\(s\) \(SCRAM-SHA-512; .*\) · \d+ ACL\(s\) created · 0 undeclared ACL\(s\) removed$/m);
    expect(applied.stdout).toContain(`  + User:${principalPrefix}-domain-plant-telemetry WRITE TOPIC:${topic}`);

    const checked = await fieldmesh('governance', 'check', '--root', root);
    expect(checked).toMatchObject({ code: 0, stdout: 'No drift: 1 product(s) match their contracts.\n' });

    // A grant taken away by hand is ACL drift.
    const access = new KafkaAccessAdmin({ clientId: 'cli-test', brokers: brokers.split(',') });
    const grant = {
      principal: `User:${principalPrefix}-domain-plant-telemetry`,
      resourceType: 'TOPIC' as const,
      resourceName: topic,
      patternType: 'LITERAL' as const,
      operation: 'WRITE' as const,
    };
    await access.deleteAcls([grant]).finally(() => access.close());
    const drifted = await fieldmesh('governance', 'check', '--root', root);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toMatch(
      new RegExp(`^User:${principalPrefix}-domain-plant-telemetry\\s+acl\\s+WRITE TOPIC\\s+${topic.replaceAll('.', '\\.')}\\s+missing\\s+error$`, 'm'),
    );
    expect((await fieldmesh('products', 'apply', '--root', root)).code).toBe(0);

    const again = await fieldmesh('products', 'apply', '--root', root, '--json');
    expect(JSON.parse(again.stdout)).toEqual([
      expect.objectContaining({ topicAction: 'unchanged', dlqAction: 'unchanged', compatibilityAction: 'unchanged', schemaAction: 'unchanged', tableAction: 'unchanged' }),
    ]);
  });

  it('a column dropped from the table by hand is reported as table drift', async () => {
    const { root, topic } = productRoot();
    expect((await fieldmesh('products', 'apply', '--root', root)).code).toBe(0);
    const clickhouse = createClient({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword') });
    try {
      await clickhouse.command({ query: `ALTER TABLE fieldmesh.${tableOf(topic)} DROP COLUMN deviceId` });
      const json = await fieldmesh('governance', 'check', '--root', root, '--json');
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        tablesChecked: true,
        findings: [{ product: 'plant-telemetry.raw', target: 'table', field: 'column-missing deviceId', actual: 'missing', severity: 'error' }],
      });
    } finally {
      await clickhouse.close();
    }
  });

  it('a retention changed by hand is reported with exit code 1, as a table and as JSON', async () => {
    const { root, topic } = productRoot();
    expect((await fieldmesh('products', 'apply', '--root', root)).code).toBe(0);
    await admin.alterTopicConfigs(topic, { 'retention.ms': '86400000' });

    const table = await fieldmesh('governance', 'check', '--root', root);
    expect(table.code).toBe(1);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^PRODUCT\s+TARGET\s+FIELD\s+EXPECTED\s+ACTUAL\s+SEVERITY$/);
    expect(lines[1]).toMatch(/^plant-telemetry\.raw\s+topic\s+retention\.ms\s+604800000\s+86400000\s+error$/);
    expect(table.stdout).toContain('1 error(s), 0 warning(s) in 1 product(s).');

    const json = await fieldmesh('governance', 'check', '--root', root, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).findings).toEqual([
      { product: 'plant-telemetry.raw', target: 'topic', field: 'retention.ms', expected: '604800000', actual: '86400000', severity: 'error' },
    ]);

    // apply repairs it.
    expect((await fieldmesh('products', 'apply', '--root', root)).stdout).toContain('topic updated (retention.ms 86400000 → 604800000)');
    expect((await fieldmesh('governance', 'check', '--root', root)).code).toBe(0);
  });

  it('says which setting is missing when there is no registry address', async () => {
    const { root } = productRoot();
    const run = await promisify(execFile)(BIN, ['governance', 'check', '--root', root], { env: { ...process.env, FIELDMESH_REGISTRY_URL: '' } }).catch((e: unknown) => e as Run);
    expect(run).toMatchObject({ code: 2, stderr: expect.stringContaining('registry: must be the schema registry URL') });
  });
});

describe('fieldmesh lineage show', () => {
  it('walks up from a ClickHouse column to the MQTT topic and OPC UA node, and down from a raw field to the table', async () => {
    const topic = `_fieldmesh.lineage.test-${randomUUID().slice(0, 8)}`;
    topics.push(topic);
    const emitter = lineageEmitter({ kafka, topic });
    const mqtt = mqttDataset(inject('mqttUrl'), 'plant/berlin/line-1/compressor-1/vibration_rms');
    const opcua = opcuaDataset('opc.tcp://127.0.0.1:4840', 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature');
    const raw = kafkaDataset(brokers, 'plant.telemetry.raw.v1');
    const clean = kafkaDataset(brokers, 'plant.telemetry.clean.v1', undefined, {
      columnLineage: columnLineage({ value: { dataset: raw, fields: ['value', 'unit'], transformation: 'to canonical unit' } }),
    });
    const table = clickhouseDataset(inject('clickhouseUrl'), 'fieldmesh', 'plant_telemetry_clean_v1', { columnLineage: identityColumnLineage(clean, ['value']) });
    try {
      await emitter.run({ name: 'edge-gateway.gw-berlin-1', inputs: [mqtt, opcua], outputs: [raw] }).start();
      await emitter.run({ name: 'plant-telemetry.clean', inputs: [raw], outputs: [clean] }).start();
      await emitter.run({ name: 'clickhouse-sink', inputs: [clean], outputs: [table] }).start();
    } finally {
      await emitter.close();
    }

    const up = await fieldmesh('lineage', 'show', 'fieldmesh.plant_telemetry_clean_v1#value', '--upstream', '--topic', topic);
    expect(up.code).toBe(0);
    expect(up.stderr).toContain('3 job(s), 5 dataset(s)');
    expect(up.stdout).toContain('← kafka://');
    expect(up.stdout).toContain('plant.telemetry.clean.v1#value  via fieldmesh/clickhouse-sink (IDENTITY)');
    expect(up.stdout).toContain('plant.telemetry.raw.v1#unit  via fieldmesh/plant-telemetry.clean (TRANSFORMATION: to canonical unit)');
    expect(up.stdout).toContain('mqtt://127.0.0.1:');
    expect(up.stdout).toContain('/plant/berlin/line-1/compressor-1/vibration_rms  via fieldmesh/edge-gateway.gw-berlin-1');
    expect(up.stdout).toContain('opcua://127.0.0.1:4840/ns=1;s=berlin.line-1.compressor-1.bearing_temperature');
    expect(up.stdout).not.toContain('(downstream)');

    const down = await fieldmesh('lineage', 'show', 'plant.telemetry.raw.v1#value', '--downstream', '--topic', topic, '--json');
    const [walk] = JSON.parse(down.stdout) as Array<{ direction: string; nodes: Array<{ name: string; field?: string }> }>;
    expect(walk?.direction).toBe('downstream');
    expect(walk?.nodes.map((n) => `${n.name}#${n.field}`)).toEqual(['plant.telemetry.raw.v1#value', 'plant.telemetry.clean.v1#value', 'fieldmesh.plant_telemetry_clean_v1#value']);

    const unknown = await fieldmesh('lineage', 'show', 'no.such.topic.v1', '--topic', topic);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining("No job has reported a dataset named 'no.such.topic.v1'") });
  });
});

describe('fieldmesh contracts lint', () => {
  it('passes on the repository contracts', async () => {
    const { code, stdout } = await fieldmesh('contracts', 'lint');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+ contract\(s\) are valid, with their examples\.$/m);
  });

  it('reports each problem with its file and field', async () => {
    const { root } = productRoot();
    const file = join(root, 'contracts', 'plant-telemetry', 'raw.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('retention:\n  kafka: P7D', 'retention:\n  kafka: seven days').replace('upstream: []', 'upstream: [nowhere.v1]'));
    writeFileSync(
      join(root, 'contracts', 'plant-telemetry', 'copy.yaml'),
      readFileSync(join(REPO_ROOT, 'contracts', 'plant-telemetry', 'raw.yaml'), 'utf8').replace('upstream: []', 'upstream: [nowhere.v1]'),
    );
    const { code, stdout } = await fieldmesh('contracts', 'lint', '--root', root, '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual([
      { file: 'contracts/plant-telemetry/raw.yaml', path: 'retention.kafka', message: expect.stringContaining('ISO 8601 duration') },
      { file: 'contracts/plant-telemetry/copy.yaml', path: 'upstream.0', message: expect.stringContaining('no contract publishes nowhere.v1') },
    ]);
  });
});
