import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import { REPO_ROOT } from '@fieldmesh/testing';
import { planTable, provisionTable, RowBinaryEncoder, type TablePlan } from '@fieldmesh/warehouse';
import { expect, it } from 'vitest';
import { openWarehouse } from '../../src/index';

/** plant-telemetry.raw 1.0.0's SourceProtocol, before 1.1.0 appended ONEM2M and LWM2M. */
const RAW_1_0_SYMBOLS = ['MQTT_JSON', 'SPARKPLUG_B', 'OPC_UA', 'REPLAY'];

const reading = (sequenceNumber: number, sourceProtocol: string, sourceAddress: string) => ({
  readingTime: new Date(Date.UTC(2026, 10, 20, 8, 0, sequenceNumber)),
  receivedTime: new Date(Date.UTC(2026, 10, 20, 8, 0, sequenceNumber)),
  gatewayId: 'gw-berlin-1',
  sequenceNumber,
  deviceId: 'press-7',
  assetPath: 'acme/berlin/press-shop/line-1/press-7',
  signal: 'bearing_temperature',
  value: 60 + sequenceNumber,
  valueText: null,
  unit: 'Cel',
  quality: 'GOOD',
  qualityCode: null,
  sourceProtocol,
  sourceAddress,
  isHistorical: false,
  operatorBadge: null,
  attributes: {},
});

/**
 * A raw table made under contract 1.0.0 (its sourceProtocol Enum8 without ONEM2M and LWM2M) meets
 * contract 1.1.0: provisioning adds the two values in place, the rows it held stay, and oneM2M and LwM2M
 * readings then become rows that read back by name.
 */
export function enumWideningScenario(backend: string, clickhouse: (database: string) => Partial<Parameters<typeof openWarehouse>[0]>): void {
  it(`adds the raw contract's new SourceProtocol symbols to a table made before them, keeping its rows, on ${backend}`, async () => {
    const database = `widen_${randomUUID().slice(0, 8)}`;
    const settings = { username: 'default', password: '', chdbPath: '.fieldmesh/chdb', ...clickhouse(database), database };
    const warehouse = await openWarehouse(settings);
    try {
      const plan = planTable(loadContract(join(REPO_ROOT, 'contracts/plant-telemetry/raw.yaml'), REPO_ROOT), warehouse.capabilities, { database });
      const before: TablePlan = {
        ...plan,
        columns: plan.columns.map((c) =>
          c.name === 'sourceProtocol'
            ? { ...c, type: `Enum8(${RAW_1_0_SYMBOLS.map((s, i) => `'${s}' = ${i + 1}`).join(', ')})`, encoding: { kind: 'enum8', symbols: RAW_1_0_SYMBOLS } }
            : c,
        ),
      };
      const insert = async (rows: Array<ReturnType<typeof reading>>, offset: number) => {
        const encoder = new RowBinaryEncoder(plan.columns);
        rows.forEach((row, i) => encoder.append(row, { topic: plan.topic, partition: 0, offset: String(offset + i) }));
        await warehouse.insertRowBinary(plan, encoder.take());
      };
      const protocols = async () =>
        (
          await warehouse.client.query({
            query: `SELECT sourceProtocol, toString(count()) AS n FROM ${database}.${plan.table} GROUP BY sourceProtocol ORDER BY sourceProtocol`,
            format: 'JSONEachRow',
          })
        ).json();

      expect(await provisionTable(warehouse.client, before)).toMatchObject({ drift: [], widened: [] });
      await insert([reading(1, 'OPC_UA', 'ns=1;s=press-7.temperature')], 0);

      const provisioned = await provisionTable(warehouse.client, plan);
      expect(provisioned.widened).toEqual([expect.objectContaining({ column: 'sourceProtocol', added: ['ONEM2M', 'LWM2M'] })]);
      expect(provisioned.drift).toEqual([]);
      expect(await provisionTable(warehouse.client, plan)).toMatchObject({ drift: [], widened: [] });

      await insert([reading(2, 'ONEM2M', 'cse-in/press-7/temperature'), reading(3, 'LWM2M', 'coap://127.0.0.1:5683/3303/0/5700')], 1);
      expect(await protocols()).toEqual([
        { sourceProtocol: 'OPC_UA', n: '1' },
        { sourceProtocol: 'ONEM2M', n: '1' },
        { sourceProtocol: 'LWM2M', n: '1' },
      ]);
    } finally {
      await warehouse.close();
    }
  });
}
