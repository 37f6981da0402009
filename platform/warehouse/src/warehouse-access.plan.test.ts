import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContract } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from './server.capabilities';
import { planTable } from './table.plan';
import {
  analystTableFor,
  analystTableSql,
  domainAnalystTablesFor,
  domainAnalystTableSql,
  rowPolicyViewSql,
  type DomainAnalystTable,
  type RowPolicyView,
} from './warehouse-access.plan';

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

describe('row policies from contracts', () => {
  const withPolicies = (loaded: typeof raw, rowPolicies: Array<{ domain: string; filter: string }>) => ({
    ...loaded,
    contract: { ...loaded.contract, warehouse: { rowPolicies } },
  });
  const rawWithPolicies = withPolicies(raw, [
    { domain: 'energy', filter: "signal IN ('power', 'load')" },
    { domain: 'asset-health', filter: "signal = 'vibration_rms'" },
  ]);
  const products = [rawWithPolicies, energy].map((loaded) => ({ loaded, table: analystTableFor(planTable(loaded, caps), loaded) }));
  const entries = domainAnalystTablesFor(products);

  it('gives each domain a policy names an analyst of its own, with its own database', () => {
    expect([...new Set(entries.map((e) => `${e.analyst.user} ${e.analyst.database}`))]).toEqual([
      'fieldmesh_analyst_asset_health fieldmesh_analyst_asset_health',
      'fieldmesh_analyst_energy fieldmesh_analyst_energy',
    ]);
  });

  it("grants a policed product's rows through its filter, and a product without policies whole", () => {
    const energyAnalyst = entries.filter((e) => e.analyst.domain === 'energy');
    expect(energyAnalyst.map((e) => [e.table.productId, e.rowPolicy?.filter])).toEqual([
      ['plant-telemetry.raw', "signal IN ('power', 'load')"],
      ['energy.consumption-15m', undefined],
    ]);
  });

  it('withholds a policed product from the domains its policies do not name', () => {
    const onlyEnergy = domainAnalystTablesFor([{ loaded: withPolicies(raw, [{ domain: 'energy', filter: '1' }]), table: products[0]!.table }, products[1]!]);
    expect(onlyEnergy.map((e) => `${e.analyst.domain} ${e.table.productId}`)).toEqual(['energy plant-telemetry.raw', 'energy energy.consumption-15m']);
    const both = domainAnalystTablesFor([
      { loaded: withPolicies(raw, [{ domain: 'energy', filter: '1' }]), table: products[0]!.table },
      { loaded: withPolicies(energy, [{ domain: 'asset-health', filter: '1' }]), table: products[1]!.table },
    ]);
    expect(both.map((e) => `${e.analyst.domain} ${e.table.productId}`)).toEqual(['asset-health energy.consumption-15m', 'energy plant-telemetry.raw']);
  });

  it('filters in a view the gateway reads, selecting only the granted columns, and points the domain table at it', () => {
    const entry = entries.find((e) => e.analyst.domain === 'energy' && e.rowPolicy) as DomainAnalystTable & { rowPolicy: RowPolicyView };
    const view = rowPolicyViewSql(entry);
    expect(view).toMatch(
      /^CREATE VIEW `fieldmesh_row_policies`\.`plant_telemetry_raw_v1__energy` AS SELECT `readingTime`, .* FROM `fieldmesh`\.`plant_telemetry_raw_v1` WHERE signal IN \('power', 'load'\)$/,
    );
    expect(view).not.toContain('operatorBadge');
    expect(domainAnalystTableSql(entry)).toContain('ENGINE = Distributed(`fieldmesh_analyst_gateway`, `fieldmesh_row_policies`, `plant_telemetry_raw_v1__energy`)');
    expect(domainAnalystTableSql(entry)).toMatch(/^CREATE TABLE `fieldmesh_analyst_energy`\.`plant_telemetry_raw_v1`/);
  });
});
