import type { LoadedContract } from '@fieldmesh/governance';
import type { TablePlan } from '@fieldmesh/warehouse';
import { describe, expect, it } from 'vitest';
import type { WarehouseAccess } from '../warehouse.access';
import { SignalStore } from './signal.store';

const settings = { product: 'plant-telemetry.clean', beforeOnsetMs: 60_000, afterOnsetMs: 60_000, maxPoints: 60, answerWithinMs: 200 };
const plan = { database: 'fieldmesh', table: 'plant_telemetry_clean_v1', timeColumn: 'reading_time', assetColumn: 'asset_path' } as TablePlan;
const contract = {} as LoadedContract;
const onset = new Date('2026-12-07T10:00:00Z');

/** A warehouse whose table exists and whose signal query answers with `rows` (narrow stub: the store's own logic is under test). */
function warehouse(rows: () => Promise<unknown[]>): WarehouseAccess {
  return { planFor: () => plan, tableExists: () => Promise.resolve(true), rows } as unknown as WarehouseAccess;
}

describe('SignalStore', () => {
  it('groups the bucketed rows into one series per signal', async () => {
    const store = new SignalStore(
      warehouse(() =>
        Promise.resolve([
          { signal: 'flow', unit: 'm3/h', t: 1_796_637_600, v: 12 },
          { signal: 'flow', unit: 'm3/h', t: 1_796_637_602, v: 13 },
          { signal: 'load', unit: '', t: 1_796_637_600, v: null },
        ]),
      ),
      () => Promise.resolve(contract),
      settings,
    );
    const detail = await store.around('line-1/pump-1', onset);
    expect(detail.signals).toEqual([
      {
        signal: 'flow',
        unit: 'm3/h',
        points: [
          [1_796_637_600_000, 12],
          [1_796_637_602_000, 13],
        ],
      },
    ]);
    expect(detail.signalsFrom).toMatchObject({ source: 'clickhouse fieldmesh.plant_telemetry_clean_v1', note: null });
  });

  it('answers without the charts, saying why, when ClickHouse is slower than answerWithinMs', async () => {
    const store = new SignalStore(
      warehouse(() => new Promise(() => undefined)),
      () => Promise.resolve(contract),
      settings,
    );
    const started = Date.now();
    const detail = await store.around('line-1/pump-1', onset);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(detail.signals).toEqual([]);
    expect(detail.signalsFrom.note).toContain('no answer within 200 ms');
  });

  it('answers without the charts, saying why, when the query fails', async () => {
    const store = new SignalStore(
      warehouse(() => Promise.reject(new Error('ClickHouse failed: Code: 241, MEMORY_LIMIT_EXCEEDED'))),
      () => Promise.resolve(contract),
      settings,
    );
    const detail = await store.around('line-1/pump-1', onset);
    expect(detail.signals).toEqual([]);
    expect(detail.signalsFrom.note).toContain('MEMORY_LIMIT_EXCEEDED');
  });
});
