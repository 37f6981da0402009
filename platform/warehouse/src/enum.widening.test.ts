import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContract } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';
import { enumValuesOf, enumWidenings, enumWideningSql } from './enum.widening';
import { capabilitiesOf } from './server.capabilities';
import type { TableDescription } from './table.introspection';
import { distributedTableSql, planTable } from './table.plan';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const raw = loadContract(join(root, 'contracts/plant-telemetry/raw.yaml'), root);
const OLD_PROTOCOLS = "Enum8('MQTT_JSON' = 1, 'SPARKPLUG_B' = 2, 'OPC_UA' = 3, 'REPLAY' = 4)";

/** The table as the server describes it, with some of the plan's column types replaced. */
function tableWith(plan: ReturnType<typeof planTable>, types: Record<string, string>): TableDescription {
  return {
    database: plan.database,
    table: plan.table,
    engine: plan.engine,
    partitionKey: plan.partitionBy,
    sortingKey: plan.orderBy.join(', '),
    ttl: undefined,
    ttlDays: undefined,
    columns: plan.columns.map((c) => ({ name: c.name, type: types[c.name] ?? c.type })),
  };
}

describe('enum columns that gain the symbols a contract appended', () => {
  it('reads the name → value pairs of an Enum type as the server echoes it, quotes and Nullable included', () => {
    expect([...enumValuesOf(OLD_PROTOCOLS)!]).toEqual([
      ['MQTT_JSON', 1],
      ['SPARKPLUG_B', 2],
      ['OPC_UA', 3],
      ['REPLAY', 4],
    ]);
    expect([...enumValuesOf("Nullable(Enum16('it\\'s' = -3, 'b' = 300))")!]).toEqual([
      ["it's", -3],
      ['b', 300],
    ]);
    expect(enumValuesOf('String')).toBeUndefined();
    expect(enumValuesOf("Enum8('a' = 1, garbage)")).toBeUndefined();
  });

  it('widens the raw table made before ONEM2M and LWM2M, on its own and on a cluster with its Distributed table', () => {
    const plan = planTable(raw, capabilitiesOf('26.7.2.1'));
    const widenings = enumWidenings(plan, tableWith(plan, { sourceProtocol: OLD_PROTOCOLS }));
    expect(widenings).toEqual([{ column: 'sourceProtocol', from: OLD_PROTOCOLS, to: expect.stringContaining("'ONEM2M' = 5, 'LWM2M' = 6)"), added: ['ONEM2M', 'LWM2M'] }]);
    expect(enumWideningSql(plan, widenings)).toEqual([`ALTER TABLE \`fieldmesh\`.\`plant_telemetry_raw_v1\` MODIFY COLUMN \`sourceProtocol\` ${widenings[0]!.to}`]);

    const clustered = planTable(raw, capabilitiesOf('18.16.1'), { cluster: 'fieldmesh' });
    // 18.16 refuses ALTER ON CLUSTER of the (unreplicated) Distributed table: it is made again from the widened table.
    expect(enumWideningSql(clustered, enumWidenings(clustered, tableWith(clustered, { sourceProtocol: OLD_PROTOCOLS })))).toEqual([
      expect.stringMatching(/^ALTER TABLE `fieldmesh`\.`plant_telemetry_raw_v1` ON CLUSTER `fieldmesh` MODIFY COLUMN `sourceProtocol` Enum8\(.*'LWM2M' = 6\)$/),
      'DROP TABLE IF EXISTS `fieldmesh`.`plant_telemetry_raw_v1_all` ON CLUSTER `fieldmesh`',
      distributedTableSql(clustered),
    ]);
  });

  it('leaves renumbered, renamed or removed values and other type changes to a person (they stay drift)', () => {
    const plan = planTable(raw, capabilitiesOf('26.7.2.1'));
    const cases = {
      renumbered: "Enum8('MQTT_JSON' = 1, 'SPARKPLUG_B' = 2, 'REPLAY' = 3, 'OPC_UA' = 4)",
      renamed: "Enum8('MQTT' = 1, 'SPARKPLUG_B' = 2, 'OPC_UA' = 3, 'REPLAY' = 4)",
      removedByThePlan: "Enum8('MQTT_JSON' = 1, 'SPARKPLUG_B' = 2, 'OPC_UA' = 3, 'REPLAY' = 4, 'ONEM2M' = 5, 'LWM2M' = 6, 'MODBUS' = 7)",
      notAnEnum: 'String',
      nullable: `Nullable(${OLD_PROTOCOLS})`,
    };
    for (const [name, type] of Object.entries(cases)) expect(enumWidenings(plan, tableWith(plan, { sourceProtocol: type })), name).toEqual([]);
    expect(enumWidenings(plan, tableWith(plan, {}))).toEqual([]);
  });
});
