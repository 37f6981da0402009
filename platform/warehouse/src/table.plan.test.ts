import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContract } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from './server.capabilities';
import { createTableSql, distributedTableSql, engineClause, planTable, tableNameFor } from './table.plan';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const raw = loadContract(join(root, 'contracts/plant-telemetry/raw.yaml'), root);
const typeOf = (plan: ReturnType<typeof planTable>, name: string) => plan.columns.find((c) => c.name === name)?.type;

describe('table DDL from a contract', () => {
  it('names the table after the topic', () => {
    expect(tableNameFor('plant.telemetry.raw.v1')).toBe('plant_telemetry_raw_v1');
    expect(tableNameFor('energy.consumption-15m.v1')).toBe('energy_consumption_15m_v1');
  });

  it('on a current server: DateTime64, Map, Enum8, Nullable, TTL from the warehouse retention, daily partitions', () => {
    const plan = planTable(raw, capabilitiesOf('26.7.2.1'));
    expect(typeOf(plan, 'readingTime')).toBe("DateTime64(3, 'UTC')");
    expect(typeOf(plan, 'attributes')).toBe('Map(String, String)');
    expect(typeOf(plan, 'quality')).toBe("Enum8('GOOD' = 1, 'UNCERTAIN' = 2, 'BAD' = 3)");
    expect(typeOf(plan, 'value')).toBe('Nullable(Float64)');
    expect(typeOf(plan, 'qualityCode')).toBe('Nullable(Int64)');
    expect(typeOf(plan, 'sequenceNumber')).toBe('Int64');
    expect(typeOf(plan, 'isHistorical')).toBe('UInt8');
    expect(plan.columns.slice(-3).map((c) => `${c.name} ${c.type}`)).toEqual(['_topic String', '_partition Int32', '_offset Int64']);
    expect(plan.orderBy).toEqual(['assetPath', 'readingTime']);
    expect(plan.warnings).toEqual([]);
    expect(createTableSql(plan)).toBe(
      [
        'CREATE TABLE IF NOT EXISTS `fieldmesh`.`plant_telemetry_raw_v1`',
        `(\n${plan.columns.map((c) => `  \`${c.name}\` ${c.type}`).join(',\n')}\n)`,
        'ENGINE = MergeTree',
        'PARTITION BY toYYYYMMDD(`readingTime`)',
        'ORDER BY (`assetPath`, `readingTime`)',
        'TTL toDateTime(`readingTime`) + INTERVAL 90 DAY',
        'SETTINGS ttl_only_drop_parts = 1',
      ].join('\n'),
    );
  });

  it('on 18.16: DateTime to the second, the map as key and value arrays, no TTL and a warning that names the retention job', () => {
    const plan = planTable(raw, capabilitiesOf('18.16.1'));
    expect(typeOf(plan, 'readingTime')).toBe("DateTime('UTC')");
    expect(typeOf(plan, 'attributes')).toBeUndefined();
    expect(typeOf(plan, 'attributes.key')).toBe('Array(String)');
    expect(typeOf(plan, 'attributes.value')).toBe('Array(String)');
    expect(plan.ttl).toBeUndefined();
    expect(createTableSql(plan)).not.toContain('TTL');
    expect(plan.warnings).toHaveLength(2);
    expect(plan.warnings[0]).toMatch(/18\.16\.1 has no TTL.*P90D, 90 days.*dropping whole day partitions.*dropExpiredPartitions/);
    expect(plan.warnings[1]).toMatch(/no DateTime64.*to the second/);
  });

  it('partitions by month when the retention is longer than a year', () => {
    const long = { ...raw, contract: { ...raw.contract, retention: { ...raw.contract.retention, warehouse: 'P3Y' } } };
    const plan = planTable(long, capabilitiesOf('24.3.1'));
    expect(plan.partitionBy).toBe('toYYYYMM(`readingTime`)');
    expect(plan.ttl).toBe('toDateTime(`readingTime`) + INTERVAL 1095 DAY');
  });

  it('uses the contract processing.eventTime as the time column', () => {
    const withEventTime = { ...raw, contract: { ...raw.contract, processing: { eventTime: 'receivedTime', allowedLateness: 'PT1M', lateReadings: 'flag' as const } } };
    expect(planTable(withEventTime, capabilitiesOf('26.1')).orderBy).toEqual(['assetPath', 'receivedTime']);
  });
});

describe('table DDL for a cluster of replicas', () => {
  const plan = planTable(raw, capabilitiesOf('18.16.1'), { cluster: 'fieldmesh' });

  it('creates ReplicatedMergeTree on every replica with ON CLUSTER, its ZooKeeper path per shard and table, the replica from the macro', () => {
    expect(plan.engine).toBe('ReplicatedMergeTree');
    const sql = createTableSql(plan);
    expect(sql.split('\n')[0]).toBe('CREATE TABLE IF NOT EXISTS `fieldmesh`.`plant_telemetry_raw_v1` ON CLUSTER `fieldmesh`');
    expect(sql).toContain("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/fieldmesh.plant_telemetry_raw_v1', '{replica}')\nPARTITION BY toYYYYMMDD(`readingTime`)");
  });

  it('gives analysts a Distributed table over the replicated one, on every replica', () => {
    expect(distributedTableSql(plan)).toBe(
      'CREATE TABLE IF NOT EXISTS `fieldmesh`.`plant_telemetry_raw_v1_all` ON CLUSTER `fieldmesh` AS `fieldmesh`.`plant_telemetry_raw_v1`\n' +
        'ENGINE = Distributed(`fieldmesh`, `fieldmesh`, `plant_telemetry_raw_v1`)',
    );
  });

  it('keeps one server as it was: MergeTree, no ON CLUSTER, and no Distributed table to make', () => {
    const single = planTable(raw, capabilitiesOf('18.16.1'));
    expect(single.engine).toBe('MergeTree');
    expect(createTableSql(single)).not.toContain('ON CLUSTER');
    expect(() => distributedTableSql(single)).toThrow(/needs a cluster/);
  });

  it('makes the replacing engine of the offset ledger replicated too, with its version column', () => {
    expect(engineClause({ engine: 'ReplicatedMergeTree', database: 'fieldmesh', table: '_ledger' }, '_offset')).toBe(
      "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/fieldmesh._ledger', '{replica}', _offset)",
    );
    expect(engineClause({ engine: 'MergeTree', database: 'fieldmesh', table: '_ledger' }, '_offset')).toBe('ReplacingMergeTree(_offset)');
  });
});

describe('server capabilities', () => {
  it('reads features from the version', () => {
    expect(capabilitiesOf('18.16.1')).toMatchObject({ ttl: false, dateTime64: false, map: false, sqlAccessControl: false });
    expect(capabilitiesOf('19.6.2')).toMatchObject({ ttl: true, dateTime64: false });
    expect(capabilitiesOf('26.7.2.1')).toMatchObject({ ttl: true, dateTime64: true, map: true, sqlAccessControl: true });
    expect(() => capabilitiesOf('unknown')).toThrow(/not a ClickHouse version/);
  });
});
