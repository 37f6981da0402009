import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import { REPO_ROOT } from '@fieldmesh/testing';
import { planTable, provisionTable, RowBinaryEncoder } from '@fieldmesh/warehouse';
import { expect, it } from 'vitest';
import { openWarehouse, runAnalystQueries } from '../../src/index';

const day = Date.UTC(2026, 10, 20);
const at = (hours: number, minutes = 0) => new Date(day + hours * 3_600_000 + minutes * 60_000);
const kafka = (offset: number) => ({ topic: 'fixture', partition: 0, offset: String(offset) });

const score = (asset: string, hour: number, role: 'CHAMPION' | 'SHADOW', anomalous: boolean, modelVersion: string) => ({
  assetPath: asset,
  assetClass: 'pump',
  windowStart: at(hour),
  windowEnd: at(hour, 1),
  modelName: 'asset-health-pump',
  modelVersion,
  role,
  score: anomalous ? 9.5 : 0.8,
  threshold: 4,
  anomalous,
  contributors: [{ feature: 'vibration_rms.mean', share: 0.7, value: 9.1, expected: 2.2 }],
  imputedFeatures: [],
});

const alert = (asset: string, alertId: string, type: 'OPENED' | 'CLOSED', when: Date) => ({
  eventId: `${alertId}/${type}`,
  alertId,
  assetPath: asset,
  assetClass: 'pump',
  type,
  at: when,
  by: 'system:asset-health',
  note: null,
  score: type === 'OPENED' ? 9.5 : null,
  threshold: type === 'OPENED' ? 4 : null,
  modelName: type === 'OPENED' ? 'asset-health-pump' : null,
  modelVersion: type === 'OPENED' ? '1.0.0' : null,
  windowStart: type === 'OPENED' ? when : null,
  contributors: [],
  diagnosis: null,
  workOrderId: null,
});

const energy = (scopePath: string, level: 'ASSET' | 'LINE', quarter: number, energyKwh: number) => ({
  windowStart: at(8, quarter * 15),
  windowEnd: at(8, quarter * 15 + 15),
  level,
  scopePath,
  sitePath: 'acme/berlin',
  energyKwh,
  coverageRatio: 1,
  assetCount: 2,
  readingCount: 120,
  cost: energyKwh * 0.2,
  currency: 'EUR',
  tariffPeriod: 'peak',
  pricePerKwh: 0.2,
});

/**
 * The example analyst queries against the three products' tables, made from their contracts and filled
 * through the sink's own RowBinary insert (not from Kafka: other tests in the run may use the product topics).
 */
export function analystScenarios(backend: string, clickhouse: (database: string) => Partial<Parameters<typeof openWarehouse>[0]>): void {
  it(`answers the example analyst queries on ${backend}, read-only`, async () => {
    const database = `analyst_${randomUUID().slice(0, 8)}`;
    const settings = { username: 'default', password: '', chdbPath: '.fieldmesh/chdb', ...clickhouse(database), database };
    const warehouse = await openWarehouse(settings);
    try {
      const fill = async (contractFile: string, rows: Array<Record<string, unknown>>) => {
        const plan = planTable(loadContract(join(REPO_ROOT, contractFile), REPO_ROOT), warehouse.capabilities, { database });
        await provisionTable(warehouse.client, plan);
        const encoder = new RowBinaryEncoder(plan.columns);
        rows.forEach((row, i) => encoder.append(row, kafka(i)));
        await warehouse.insertRowBinary(plan, encoder.take());
      };
      await fill('contracts/asset-health/anomaly-scores.yaml', [
        score('acme/berlin/utilities/line-1/pump-1', 10, 'CHAMPION', true, '1.0.0'),
        score('acme/berlin/utilities/line-1/pump-1', 10, 'CHAMPION', true, '1.0.0'), // re-emitted after a restart
        score('acme/berlin/utilities/line-1/pump-1', 11, 'CHAMPION', true, '1.0.0'),
        score('acme/berlin/utilities/line-1/pump-1', 12, 'CHAMPION', false, '1.0.0'),
        score('acme/berlin/utilities/line-1/pump-1', 10, 'SHADOW', true, '1.1.0'),
        score('acme/berlin/utilities/line-1/pump-2', 10, 'CHAMPION', false, '1.0.0'),
      ]);
      await fill('contracts/asset-health/alerts.yaml', [
        alert('acme/berlin/utilities/line-1/pump-1', 'a1', 'OPENED', at(10, 1)),
        alert('acme/berlin/utilities/line-1/pump-1', 'a1', 'CLOSED', at(10, 31)),
        alert('acme/berlin/utilities/line-1/pump-2', 'a2', 'OPENED', at(12)),
        alert('acme/berlin/utilities/line-1/pump-2', 'a2', 'CLOSED', at(12, 6)),
      ]);
      await fill('contracts/energy/consumption-15m.yaml', [
        energy('acme/berlin/utilities/line-1', 'LINE', 0, 10),
        energy('acme/berlin/utilities/line-1', 'LINE', 0, 10), // re-emitted window
        energy('acme/berlin/utilities/line-1', 'LINE', 1, 5),
        energy('acme/berlin/utilities/line-1/pump-1', 'ASSET', 0, 7),
      ]);

      const results = Object.fromEntries((await runAnalystQueries(warehouse.client, { database })).map((r) => [r.name, r.rows]));
      expect(results['anomalies-and-downtime-per-asset-day']).toEqual([
        { assetPath: 'acme/berlin/utilities/line-1/pump-1', day: '2026-11-20', anomalousWindows: 2, alertsOpened: 1, downtimeMinutes: 30 },
        { assetPath: 'acme/berlin/utilities/line-1/pump-2', day: '2026-11-20', anomalousWindows: 0, alertsOpened: 1, downtimeMinutes: 6 },
      ]);
      expect(results['energy-per-line-per-day']).toEqual([{ line: 'acme/berlin/utilities/line-1', day: '2026-11-20', energyKwh: 15, cost: 3, currency: 'EUR', windows: 2 }]);
      expect(results['model-versions-in-use']).toEqual([
        {
          modelName: 'asset-health-pump',
          modelVersion: '1.0.0',
          role: 'CHAMPION',
          windowsScored: 5,
          assets: 2,
          anomalousWindows: 3,
          firstWindow: expect.stringMatching(/^2026-11-20 10:00:00/),
          lastWindow: expect.stringMatching(/^2026-11-20 12:00:00/),
        },
        {
          modelName: 'asset-health-pump',
          modelVersion: '1.1.0',
          role: 'SHADOW',
          windowsScored: 1,
          assets: 1,
          anomalousWindows: 1,
          firstWindow: expect.stringMatching(/^2026-11-20 10:00:00/),
          lastWindow: expect.stringMatching(/^2026-11-20 10:00:00/),
        },
      ]);
    } finally {
      await warehouse.close();
    }
  });
}
