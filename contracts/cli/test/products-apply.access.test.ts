import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { createKafka } from '@fieldmesh/kafka';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const BIN = join(REPO_ROOT, 'node_modules', '.bin', 'fieldmesh');
const configDir = join(inject('stackDir'), 'clickhouse');
const work = mkdtempSync(join(tmpdir(), 'fieldmesh-access-'));
const topic = `test-${randomUUID().slice(0, 8)}.plant.telemetry.raw.v1`;
const table = topic.replace(/[^A-Za-z0-9]+/g, '_');
const adminPasswordFile = join(work, 'clickhouse-admin.password');

/** The raw telemetry contract (it has a personal field) on a topic of its own. */
function productRoot(): string {
  const root = join(work, 'repo');
  mkdirSync(join(root, 'contracts', 'plant-telemetry'), { recursive: true });
  cpSync(join(REPO_ROOT, 'schemas'), join(root, 'schemas'), { recursive: true });
  const text = readFileSync(join(REPO_ROOT, 'contracts', 'plant-telemetry', 'raw.yaml'), 'utf8');
  writeFileSync(join(root, 'contracts', 'plant-telemetry', 'raw.yaml'), text.replace('topic: plant.telemetry.raw.v1', `topic: ${topic}`));
  return root;
}

/** The bin as an operator runs it: the admin password from a file, never on the command line. */
async function fieldmesh(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    FIELDMESH_KAFKA_BROKERS: inject('kafkaBrokers'),
    FIELDMESH_REGISTRY_URL: inject('registryUrl'),
    FIELDMESH_CLICKHOUSE_URL: inject('clickhouseUrl'),
    FIELDMESH_CLICKHOUSE_USER: inject('clickhouseUser'),
    FIELDMESH_CLICKHOUSE_PASSWORD_FILE: adminPasswordFile,
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(BIN, args, { cwd: REPO_ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const admin = () => createClient({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword') });

describe('fieldmesh products apply --clickhouse-config-dir', () => {
  let analyst: ClickHouseClient | undefined;

  beforeAll(() => writeFileSync(adminPasswordFile, `${inject('clickhousePassword')}\n`, { mode: 0o600 }));

  afterAll(async () => {
    await analyst?.close();
    const clickhouse = admin();
    await clickhouse.command({ query: `DROP TABLE IF EXISTS fieldmesh_analyst.${table}` });
    await clickhouse.command({ query: `DROP TABLE IF EXISTS fieldmesh.${table}` });
    await clickhouse.close();
    const kafkaAdmin = createKafka({ clientId: 'cli-access-test', brokers: inject('kafkaBrokers').split(',') }).admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.deleteTopics([topic, `${topic}.dlq`]).catch(() => undefined);
    await kafkaAdmin.disconnect();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs the analyst and sink users and an analyst table without the personal column, printing no password', async () => {
    const applied = await fieldmesh('products', 'apply', '--root', productRoot(), '--clickhouse-config-dir', configDir);
    expect(applied.stderr + applied.stdout).not.toContain(inject('clickhousePassword'));
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const passwordFile = join(configDir, 'secrets', 'fieldmesh_analyst.password');
    expect(applied.stdout).toContain(`warehouse access: analyst fieldmesh_analyst (readonly, database fieldmesh_analyst; password file ${passwordFile})`);
    expect(applied.stdout).toMatch(new RegExp(`analyst table fieldmesh_analyst\\.${table} (created|unchanged) \\(personal columns withheld: operatorBadge\\)`));
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(applied.stdout + applied.stderr).not.toContain(password);

    analyst = createClient({ url: inject('clickhouseUrl'), username: 'fieldmesh_analyst', password, log: { level: ClickHouseLogLevel.OFF } });
    const rows = await (await analyst.query({ query: `SELECT count() AS n FROM fieldmesh_analyst.${table}`, format: 'JSONEachRow' })).json();
    expect(rows).toEqual([{ n: '0' }]);
    await expect(analyst.query({ query: `SELECT operatorBadge FROM fieldmesh_analyst.${table}` })).rejects.toThrow(/Unknown identifier: operatorBadge/);
    await expect(analyst.query({ query: `SELECT count() FROM fieldmesh.${table}` })).rejects.toThrow(/Access denied to database fieldmesh for user fieldmesh_analyst/);
  });

  it('gives a table made under raw 1.0.0 the SourceProtocol symbols raw 1.1.0 appended, and the analyst table with it', async () => {
    const clickhouse = admin();
    const sourceProtocolType = async (database: string) =>
      (
        await (
          await clickhouse.query({
            query: `SELECT type FROM system.columns WHERE database = '${database}' AND table = '${table}' AND name = 'sourceProtocol'`,
            format: 'JSONEachRow',
          })
        ).json<{ type: string }>()
      )[0]?.type;
    try {
      // The table as raw 1.0.0 made it (it holds no row, so ClickHouse lets the values go).
      await clickhouse.command({ query: `ALTER TABLE fieldmesh.${table} MODIFY COLUMN sourceProtocol Enum8('MQTT_JSON' = 1, 'SPARKPLUG_B' = 2, 'OPC_UA' = 3, 'REPLAY' = 4)` });
      const applied = await fieldmesh('products', 'apply', '--root', productRoot(), '--clickhouse-config-dir', configDir);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      expect(applied.stdout).toContain(`table fieldmesh.${table} widened`);
      expect(applied.stdout).toContain(`column sourceProtocol gained ONEM2M, LWM2M`);
      const widened = "Enum8('MQTT_JSON' = 1, 'SPARKPLUG_B' = 2, 'OPC_UA' = 3, 'REPLAY' = 4, 'ONEM2M' = 5, 'LWM2M' = 6)";
      expect(await sourceProtocolType('fieldmesh')).toBe(widened);
      expect(await sourceProtocolType('fieldmesh_analyst')).toBe(widened);
    } finally {
      await clickhouse.close();
    }
  });
});
