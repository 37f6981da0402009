import type { LoadedContract } from '@fieldmesh/governance';
import { qualifiedTableName, quoteIdentifier } from '@fieldmesh/warehouse';
import type { AlertDetail, SignalSeries } from '../../api/types';
import type { ConsoleSettings } from '../console.options';
import { sqlString, type WarehouseAccess } from '../warehouse.access';

type SignalsFrom = AlertDetail['signalsFrom'];

/**
 * The signals of an asset around an alert's onset, from the ClickHouse table of the clean telemetry (the
 * sink's table of `signals.product`): one series per signal, averaged into at most `maxPoints` buckets.
 * ClickHouse rather than the features topic because it answers any time range with one indexed query
 * (the table is ordered by asset, then time) and keeps a year, where the topic keeps days.
 */
export class SignalStore {
  constructor(
    private readonly warehouse: WarehouseAccess | undefined,
    private readonly product: () => Promise<LoadedContract | undefined>,
    private readonly settings: ConsoleSettings['signals'],
  ) {}

  async around(assetPath: string, onset: Date): Promise<{ signals: SignalSeries[]; signalsFrom: SignalsFrom }> {
    const startMs = onset.getTime() - this.settings.beforeOnsetMs;
    const endMs = onset.getTime() + this.settings.afterOnsetMs;
    const from = (source: string, note: string | null): SignalsFrom => ({ source, start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), note });
    const loaded = await this.product();
    if (!this.warehouse) return { signals: [], signalsFrom: from('none', 'the console runs without ClickHouse (no clickhouse option), so it has no signals to show') };
    if (!loaded) return { signals: [], signalsFrom: from('none', `no contract ${this.settings.product} holds the signals`) };
    const plan = this.warehouse.planFor(loaded);
    const source = `clickhouse ${plan.database}.${plan.table}`;
    if (!(await this.warehouse.tableExists(plan))) return { signals: [], signalsFrom: from(source, 'the ClickHouse sink has not created the table yet') };
    // Seconds, not milliseconds: the oldest supported server (18.16) stores DateTime without sub-seconds.
    const bucketSeconds = Math.max(1, Math.ceil((endMs - startMs) / 1000 / this.settings.maxPoints));
    const time = `toUnixTimestamp(${quoteIdentifier(plan.timeColumn)})`;
    const sql = [
      `SELECT signal, any(unit) AS unit, intDiv(${time}, ${bucketSeconds}) * ${bucketSeconds} AS t, avg(value) AS v`,
      `FROM ${qualifiedTableName(plan)}`,
      `WHERE ${quoteIdentifier(plan.assetColumn)} = ${sqlString(assetPath)} AND ${time} >= ${Math.floor(startMs / 1000)} AND ${time} <= ${Math.ceil(endMs / 1000)}`,
      // value = value drops NaN as well as NULL (isFinite is newer than 18.16).
      `  AND value = value`,
      'GROUP BY signal, t ORDER BY signal, t',
    ].join('\n');
    const rows = await this.warehouse.rows<{ signal: string; unit: string | null; t: string | number; v: number | null }>(sql);
    const series = new Map<string, SignalSeries>();
    for (const row of rows) {
      if (row.v === null) continue;
      let s = series.get(row.signal);
      if (!s) series.set(row.signal, (s = { signal: row.signal, unit: row.unit || null, points: [] }));
      s.points.push([Number(row.t) * 1000, row.v]);
    }
    return { signals: [...series.values()], signalsFrom: from(source, series.size === 0 ? `no readings of ${assetPath} in the table in that range` : null) };
  }
}
