import type { AlertView } from '@fieldmesh/domain-asset-health/alert-workflow';
import type { KpiRow, Kpis } from '../../api/types';

/** Hours of downtime one avoided failure counts for, per asset class; `*` is the default for the rest. */
export type DowntimeHours = Record<string, number>;

export const DOWNTIME_FORMULA =
  'An alert whose repair reached VERIFIED counts as one failure avoided: the anomaly was found, a work order repaired the asset and ' +
  'the repair was verified before the asset failed. Downtime avoided (h) = Σ over those alerts of hoursPerAvoidedFailure[asset class] ' +
  "(the '*' entry for classes without their own). Per line, the sum over the line's assets. Alerts closed without a verified repair " +
  '(false alarms, fixed on the spot) avoid nothing and are counted apart.';

/** The asset's line: its ISA-95 path without the last segment. */
export function lineOf(assetPath: string): string {
  const slash = assetPath.lastIndexOf('/');
  return slash < 0 ? assetPath : assetPath.slice(0, slash);
}

function hoursFor(hours: DowntimeHours, assetClass: string): number {
  return hours[assetClass] ?? hours['*'] ?? 0;
}

function emptyRow(key: string, line: string, assetClass: string | null): KpiRow {
  return { key, line, assetClass, avoidedFailures: 0, downtimeAvoidedHours: 0, closedWithoutRepair: 0, openAlerts: 0 };
}

function add(row: KpiRow, alert: AlertView, hours: DowntimeHours): void {
  const verified = alert.history.some((event) => event.type === 'VERIFIED');
  if (verified) {
    row.avoidedFailures += 1;
    row.downtimeAvoidedHours += hoursFor(hours, alert.assetClass);
  }
  if (alert.status === 'CLOSED' && !verified) row.closedWithoutRepair += 1;
  if (alert.status !== 'CLOSED') row.openAlerts += 1;
}

/** Downtime avoided per asset and per line (both sorted by hours, most first), and the totals. */
export function downtimeAvoided(alerts: readonly AlertView[], hours: DowntimeHours): Omit<Kpis, 'perAsset'> & { perAsset: KpiRow[] } {
  const assets = new Map<string, KpiRow>();
  const lines = new Map<string, KpiRow>();
  const total = emptyRow('*', '*', null);
  for (const alert of alerts) {
    const line = lineOf(alert.assetPath);
    let asset = assets.get(alert.assetPath);
    if (!asset) assets.set(alert.assetPath, (asset = emptyRow(alert.assetPath, line, alert.assetClass)));
    let lineRow = lines.get(line);
    if (!lineRow) lines.set(line, (lineRow = emptyRow(line, line, null)));
    for (const row of [asset, lineRow, total]) add(row, alert, hours);
  }
  const byHours = (a: KpiRow, b: KpiRow) => b.downtimeAvoidedHours - a.downtimeAvoidedHours || b.avoidedFailures - a.avoidedFailures || a.key.localeCompare(b.key);
  return {
    formula: DOWNTIME_FORMULA,
    hoursPerAvoidedFailure: { ...hours },
    total: {
      avoidedFailures: total.avoidedFailures,
      downtimeAvoidedHours: total.downtimeAvoidedHours,
      closedWithoutRepair: total.closedWithoutRepair,
      openAlerts: total.openAlerts,
    },
    perLine: [...lines.values()].sort(byHours),
    perAsset: [...assets.values()].sort(byHours),
  };
}
