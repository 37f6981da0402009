import { Logger } from '@nestjs/common';
import type { LoadedContract } from '@fieldmesh/governance';
import { qualifiedTableName, quoteIdentifier, type TablePlan } from '@fieldmesh/warehouse';
import type { AlertDetail, SignalSeries } from '../../api/types';
import type { ConsoleSettings } from '../console.options';
import { sqlString, type WarehouseAccess } from '../warehouse.access';

type SignalsFrom = AlertDetail['signalsFrom'];

/**
 * The signals of an asset around an alert's onset, from the ClickHouse table of the clean telemetry (the
 * sink's table of `signals.product`): one series per signal, averaged into at most `maxPoints` buckets.
 * ClickHouse rather than the features topic because it answers any time range with one indexed query
 * (the table is ordered by asset, then time) and keeps a year, where the topic keeps days.
 *
 * The charts are evidence beside the alert, not the alert: when ClickHouse fails or answers slower than
 * `answerWithinMs` (a busy chDB queues queries behind the sink's inserts), the detail comes without them and
 * `signalsFrom.note` says why, so a person can still read the status and take the next step.
 */
export class SignalStore {
  private readonly logger = new Logger('SignalStore');

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
    const warehouse = this.warehouse;
    const plan = warehouse.planFor(loaded);
    const source = `clickhouse ${plan.database}.${plan.table}`;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.settings.answerWithinMs} ms`)), this.settings.answerWithinMs);
    });
    try {
      const signals = await Promise.race([this.query(warehouse, plan, assetPath, startMs, endMs), late]);
      if (signals === undefined) return { signals: [], signalsFrom: from(source, 'the ClickHouse sink has not created the table yet') };
      return { signals, signalsFrom: from(source, signals.length === 0 ? `no readings of ${assetPath} in the table in that range` : null) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Signals of ${assetPath} left out of the alert detail: ${source} ${reason}`);
      return { signals: [], signalsFrom: from(source, `ClickHouse did not give the signals (${reason}); reload the page to try again`) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The bucketed series, or undefined while the sink has not made the table. */
  private async query(warehouse: WarehouseAccess, plan: TablePlan, assetPath: string, startMs: number, endMs: number): Promise<SignalSeries[] | undefined> {
    if (!(await warehouse.tableExists(plan))) return undefined;
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
    const rows = await warehouse.rows<{ signal: string; unit: string | null; t: string | number; v: number | null }>(sql);
    const series = new Map<string, SignalSeries>();
    for (const row of rows) {
      if (row.v === null) continue;
      let s = series.get(row.signal);
      if (!s) series.set(row.signal, (s = { signal: row.signal, unit: row.unit || null, points: [] }));
      s.points.push([Number(row.t) * 1000, row.v]);
    }
    return [...series.values()];
  }
}
