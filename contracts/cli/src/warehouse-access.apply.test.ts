import { DEFAULT_ACCESS_NAMES } from '@fieldmesh/warehouse';
import { describe, expect, it } from 'vitest';
import { clickhouseConfigDirOf, describeWarehouseAccess } from './warehouse-access.apply';

const io = (env: Record<string, string>) => ({ out: () => undefined, err: () => undefined, env, cwd: '/work' });

describe('products apply: warehouse access', () => {
  it('takes the config folder from the option, else the environment, relative to the working directory', () => {
    expect(clickhouseConfigDirOf({ values: { 'clickhouse-config-dir': 'stack/clickhouse' }, positionals: [] }, io({ FIELDMESH_CLICKHOUSE_CONFIG_DIR: '/elsewhere' }))).toBe(
      '/work/stack/clickhouse',
    );
    expect(clickhouseConfigDirOf({ values: {}, positionals: [] }, io({ FIELDMESH_CLICKHOUSE_CONFIG_DIR: '/etc/clickhouse-server' }))).toBe('/etc/clickhouse-server');
    expect(clickhouseConfigDirOf({ values: {}, positionals: [] }, io({}))).toBeUndefined();
  });

  it('says who may do what and where each password file is, and which personal columns were withheld', () => {
    const lines = describeWarehouseAccess({
      names: DEFAULT_ACCESS_NAMES,
      usersFile: '/ch/users.d/fieldmesh-access.fieldmesh_analyst.xml',
      clusterFile: '/ch/config.d/fieldmesh-access.fieldmesh_analyst.xml',
      passwordFiles: { analyst: '/ch/secrets/fieldmesh_analyst.password', sink: '/ch/secrets/fieldmesh_sink.password' },
      tables: [
        { productId: 'plant-telemetry.raw', table: 'fieldmesh_analyst.plant_telemetry_raw_v1', action: 'created', withheldColumns: ['operatorBadge'] },
        { productId: 'energy.consumption-15m', table: 'fieldmesh_analyst.energy_consumption_15m_v1', action: 'unchanged', withheldColumns: [] },
      ],
      domainAnalysts: [{ domain: 'energy', user: 'fieldmesh_analyst_energy', database: 'fieldmesh_analyst_energy', passwordFile: '/ch/secrets/fieldmesh_analyst_energy.password' }],
      domainTables: [
        { domain: 'energy', table: 'fieldmesh_analyst_energy.plant_telemetry_raw_v1', filter: "signal IN ('power')" },
        { domain: 'energy', table: 'fieldmesh_analyst_energy.energy_consumption_15m_v1', filter: undefined },
      ],
    });
    expect(lines[0]).toContain('analyst fieldmesh_analyst (readonly, database fieldmesh_analyst; password file /ch/secrets/fieldmesh_analyst.password)');
    expect(lines[0]).toContain('sink fieldmesh_sink (database fieldmesh; password file /ch/secrets/fieldmesh_sink.password)');
    expect(lines.slice(1)).toEqual([
      '  analyst table fieldmesh_analyst.plant_telemetry_raw_v1 created (personal columns withheld: operatorBadge)',
      '  analyst table fieldmesh_analyst.energy_consumption_15m_v1 unchanged',
      '  domain analyst fieldmesh_analyst_energy (readonly, database fieldmesh_analyst_energy; password file /ch/secrets/fieldmesh_analyst_energy.password)',
      "  row policy: energy analysts read fieldmesh_analyst_energy.plant_telemetry_raw_v1 where signal IN ('power')",
    ]);
  });
});
