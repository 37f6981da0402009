import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContract } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from './server.capabilities';
import { planTable } from './table.plan';
import { analystTableFor, analystTableSql } from './warehouse-access.plan';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const caps = capabilitiesOf('18.16.1');
const raw = loadContract(join(root, 'contracts/plant-telemetry/raw.yaml'), root);
const energy = loadContract(join(root, 'contracts/energy/consumption-15m.yaml'), root);

describe('analyst tables from contracts', () => {
  it('withholds the columns of fields the contract classifies personal, even pseudonymised ones', () => {
    expect(raw.contract.fields.operatorBadge).toMatchObject({ classification: 'personal', masking: 'pseudonymise' });
    const table = analystTableFor(planTable(raw, caps), raw);
    expect(table.withheldColumns).toEqual(['operatorBadge']);
    expect(table.columns.map((c) => c.name)).not.toContain('operatorBadge');
    expect(table.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['assetPath', 'value', 'gatewayId', 'attributes.key', 'attributes.value', '_offset']));
  });

  it('keeps every column of a product without personal fields', () => {
    const plan = planTable(energy, caps);
    const table = analystTableFor(plan, energy);
    expect(table.withheldColumns).toEqual([]);
    expect(table.columns).toEqual(plan.columns.map((c) => ({ name: c.name, type: c.type })));
  });

  it('reads the product table through the gateway cluster, listing only the granted columns', () => {
    const sql = analystTableSql(analystTableFor(planTable(raw, caps, { database: 'fieldmesh' }), raw));
    expect(sql).toMatch(/^CREATE TABLE `fieldmesh_analyst`\.`plant_telemetry_raw_v1`\n\(/);
    expect(sql).toContain('ENGINE = Distributed(`fieldmesh_analyst_gateway`, `fieldmesh`, `plant_telemetry_raw_v1`)');
    expect(sql).toContain('`attributes.key` Array(String)');
    expect(sql).not.toContain('operatorBadge');
  });
});
