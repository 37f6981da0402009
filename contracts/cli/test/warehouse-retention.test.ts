import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { loadContract } from '@fieldmesh/governance';
import { REPO_ROOT } from '@fieldmesh/testing';
import { planTable, probeCapabilities, provisionTable, type TablePlan } from '@fieldmesh/warehouse';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../src/index';

const contractFile = join(REPO_ROOT, 'contracts', 'energy', 'consumption-15m.yaml');
// A database of this run only: the test never touches the products of a reused stack.
const database = `t${process.pid}_retention`;

/** `fieldmesh <args>` in this process, as the admin from the environment an operator's timer would set. */
async function fieldmesh(...args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const env = {
    FIELDMESH_CLICKHOUSE_URL: inject('clickhouseUrl'),
    FIELDMESH_CLICKHOUSE_USER: inject('clickhouseUser'),
    FIELDMESH_CLICKHOUSE_PASSWORD: inject('clickhousePassword'),
  };
  const code = await runCli(args, { out: (text) => out.push(text), err: () => undefined, env, cwd: REPO_ROOT });
  return { code, out: out.join('\n') };
}

describe('fieldmesh warehouse retention on the ClickHouse 18.16 server (no TTL)', () => {
  let admin: ClickHouseClient;
  let plan: TablePlan;
  const count = async () => (await (await admin.query({ query: `SELECT count() AS n FROM ${database}.${plan.table}`, format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n;

  beforeAll(async () => {
    admin = createClient({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword') });
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
    plan = planTable(loadContract(contractFile, REPO_ROOT), await probeCapabilities(admin), { database });
    await provisionTable(admin, plan);
    // One window far past the contract's retention (P3Y: month partitions), one of today.
    const today = new Date().toISOString().slice(0, 10);
    await admin.insert({
      table: `${database}.${plan.table}`,
      values: [
        { windowStart: '2020-01-01 00:00:00', windowEnd: '2020-01-01 00:15:00', scopePath: 'acme/berlin' },
        { windowStart: `${today} 00:00:00`, windowEnd: `${today} 00:15:00`, scopePath: 'acme/berlin' },
      ],
      format: 'JSONEachRow',
    });
  });

  afterAll(async () => {
    await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await admin.close();
  });

  it('lists the expired partition with --dry-run and drops nothing, then drops it and keeps the rows within retention', async () => {
    expect(plan.ttl).toBeUndefined();
    const dry = await fieldmesh('warehouse', 'retention', '--contract', contractFile, '--database', database, '--dry-run');
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.out).toContain(`energy.consumption-15m  ${database}.${plan.table}`);
    expect(dry.out).toContain('expired (dry run, not dropped) 202001');
    expect(await count()).toBe('2');

    const applied = await fieldmesh('warehouse', 'retention', '--contract', contractFile, '--database', database, '--json');
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.out)).toEqual([
      {
        product: 'energy.consumption-15m',
        table: `${database}.${plan.table}`,
        retentionDays: plan.retentionDays,
        enforcedBy: 'partitions',
        expiredPartitions: ['202001'],
        dropped: true,
      },
    ]);
    expect(await count()).toBe('1');
  });

  it('refuses to run without a ClickHouse URL, naming the option', async () => {
    const out: string[] = [];
    const code = await runCli(['warehouse', 'retention'], { out: (text) => out.push(text), err: (text) => out.push(text), env: {}, cwd: REPO_ROOT });
    expect(code).toBe(2);
    expect(out.join('\n')).toMatch(/clickhouse: is required \(--clickhouse or FIELDMESH_CLICKHOUSE_URL\)/);
  });
});
