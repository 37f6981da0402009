import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { desiredStatePayloadSchema } from '@fieldmesh/connect';
import { loadContract } from '@fieldmesh/governance';
import { REPO_ROOT } from '@fieldmesh/testing';
import { planTable, probeCapabilities, provisionTable, type TablePlan } from '@fieldmesh/warehouse';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { runCli } from '../src/index';

// A database of this run only: the test never touches the products of a reused stack.
const database = `t${process.pid}_calibration`;
const asset = 'acme/berlin/press-shop/line-1/compressor-1';
const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-calibration-'));

/** `fieldmesh <args>` in this process, with the stack's ClickHouse in the environment. */
async function fieldmesh(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const env = {
    FIELDMESH_CLICKHOUSE_URL: inject('clickhouseUrl'),
    FIELDMESH_CLICKHOUSE_USER: inject('clickhouseUser'),
    FIELDMESH_CLICKHOUSE_PASSWORD: inject('clickhousePassword'),
  };
  const code = await runCli(args, { out: (text) => out.push(text), err: (text) => err.push(text), env, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('fieldmesh calibration propose and approve on readings in the clean table', () => {
  let admin: ClickHouseClient;
  let plan: TablePlan;
  // Two hours ago, whole seconds: the 18.16 server stores DateTime without sub-seconds.
  const start = Math.floor(Date.now() / 1000) - 7200;

  beforeAll(async () => {
    admin = createClient({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword') });
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
    const capabilities = await probeCapabilities(admin);
    plan = planTable(loadContract(join(REPO_ROOT, 'contracts', 'plant-telemetry', 'clean.yaml'), REPO_ROOT), capabilities, { database });
    await provisionTable(admin, plan);
    // The gateway stamps calibration.version; servers without Map keep attributes as key and value arrays.
    const stamped = (version: string) =>
      capabilities.map
        ? { columns: 'attributes', values: `map('calibration.version', '${version}')` }
        : { columns: '`attributes.key`, `attributes.value`', values: `['calibration.version'], ['${version}']` };
    const insert = (gateway: string, signal: string, value: string, version = '1') =>
      admin.command({
        query: `INSERT INTO ${database}.${plan.table} (readingTime, gatewayId, assetPath, signal, value, unit, sourceUnit, ${stamped(version).columns})
          SELECT toDateTime(${start} + number), '${gateway}', '${asset}', '${signal}', ${value}, 'Cel', 'Cel', ${stamped(version).values} FROM system.numbers LIMIT 120`,
      });
    // The drifting sensor reads v; the reference sensor (another gateway) reads 1.04 * v - 0.8.
    const v = '(60 + 15 * sin(number / 9))';
    await insert('gw-cal', 'bearing_temperature', v);
    // Readings from before version 1 was rolled out (an unversioned rule: no stamp) must not enter the fit either.
    await insert('gw-cal', 'bearing_temperature', `${v} + 5`, '');
    await insert('gw-ref', 'bearing_temperature_ref', `1.04 * ${v} - 0.8`);
    // The same signal of the same asset from another gateway must not enter the fit.
    await insert('gw-other', 'bearing_temperature', '0');
    writeFileSync(
      join(dir, 'gw-cal.yaml'),
      stringifyYaml({ connectors: [{ type: 'mqtt', name: 'plant' }], calibration: [{ signal: 'bearing_temperature', assetPath: asset, scale: 1, offset: 0.5, version: 1 }] }),
    );
  });

  afterAll(async () => {
    await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await admin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('recovers the drift as scale and offset, and an approval by a second person yields the desired state to roll out', async () => {
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
    const proposed = await fieldmesh(
      'calibration',
      'propose',
      '--gateway',
      'gw-cal',
      '--asset',
      asset,
      '--signal',
      'bearing_temperature',
      '--reference',
      `${asset}/bearing_temperature_ref`,
      '--from',
      iso(start),
      '--to',
      iso(start + 3600),
      '--base',
      'gw-cal.yaml',
      '--tolerance',
      '0.5',
      '--by',
      'a.engineer',
      '--database',
      database,
      '--out',
      'proposal.yaml',
    );
    expect(proposed.err).toContain('left out 120 readings of bearing_temperature another calibration version than the one in --base touched');
    expect(proposed.err).toContain('120 readings of bearing_temperature, 120 of the reference, 120 paired');
    expect(proposed).toMatchObject({ code: 0 });
    expect(proposed.out).toMatch(/^drift: /);

    const proposal = parseYaml(readFileSync(join(dir, 'proposal.yaml'), 'utf8'));
    expect(proposal.evidence.pairs).toBe(120);
    expect(proposal.evidence.fit.scale).toBeCloseTo(1.04, 6);
    expect(proposal.evidence.fit.offset).toBeCloseTo(-0.8, 4);
    expect(proposal.evidence.residualRmsAfter).toBeLessThan(1e-6);
    expect(proposal.evidence.residualRmsBefore).toBeGreaterThan(1);
    // Composed with the rule in force (raw + 0.5): raw * 1.04 + (1.04 * 0.5 - 0.8).
    expect(proposal.current).toEqual({ scale: 1, offset: 0.5, version: 1 });
    expect(proposal.proposed.version).toBe(2);
    expect(proposal.proposed.scale).toBeCloseTo(1.04, 6);
    expect(proposal.proposed.offset).toBeCloseTo(-0.28, 4);
    expect(proposal.approval).toBeNull();

    const byProposer = await fieldmesh('calibration', 'approve', 'proposal.yaml', '--by', 'a.engineer');
    expect(byProposer.code).toBe(1);
    expect(byProposer.err).toContain('a.engineer proposed this calibration; another person must approve it');

    const approved = await fieldmesh('calibration', 'approve', 'proposal.yaml', '--by', 'q.reviewer');
    expect(approved.code).toBe(0);
    const desiredFile = join(dir, 'proposal.desired-state.yaml');
    expect(approved.out).toContain(`roll it out: fieldmesh fleet rollout ${desiredFile} --canary gw-cal`);
    expect(parseYaml(readFileSync(join(dir, 'proposal.yaml'), 'utf8')).approval.by).toBe('q.reviewer');
    const desired = desiredStatePayloadSchema.shape.config.unwrap().parse(parseYaml(readFileSync(desiredFile, 'utf8')));
    expect(desired.calibration).toEqual([{ signal: 'bearing_temperature', assetPath: asset, scale: proposal.proposed.scale, offset: proposal.proposed.offset, version: 2 }]);

    const again = await fieldmesh('calibration', 'approve', 'proposal.yaml', '--by', 'r.other');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already approved by q\.reviewer/);
  });
});
