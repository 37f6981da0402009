import { lineOf, siteOf } from './asset.hierarchy';
import type { WindowEnergy } from './power.integrator';
import type { TariffCalendar } from './tariff.calendar';

export type Level = 'ASSET' | 'LINE' | 'SITE';

/** An energy.consumption-15m.v1 value (timestamps as epoch ms, which the serde encodes as they are). */
export interface ConsumptionWindow {
  windowStart: number;
  windowEnd: number;
  level: Level;
  scopePath: string;
  sitePath: string;
  energyKwh: number;
  coverageRatio: number;
  assetCount: number;
  readingCount: number;
  cost: number | null;
  currency: string | null;
  tariffPeriod: string | null;
  pricePerKwh: number | null;
}

/** One asset's closed window. */
export interface AssetWindow {
  assetPath: string;
  start: number;
  end: number;
  energy: WindowEnergy;
}

interface Scope {
  level: Level;
  scopePath: string;
  sitePath: string;
  start: number;
  end: number;
  members: WindowEnergy[];
}

/**
 * Rows for every asset window plus one per line and per site and window, priced by the site's tariff at
 * the window's start. Callers pass every asset window of a window start at once (the windows of one
 * watermark step), so line and site rows are sums over all their assets, never partial.
 */
export function rollUp(windows: readonly AssetWindow[], calendar: TariffCalendar): ConsumptionWindow[] {
  const scopes = new Map<string, Scope>();
  const into = (level: Level, scopePath: string, window: AssetWindow) => {
    const id = `${window.start}\u0000${level}\u0000${scopePath}`;
    let scope = scopes.get(id);
    if (!scope) {
      scope = { level, scopePath, sitePath: siteOf(window.assetPath), start: window.start, end: window.end, members: [] };
      scopes.set(id, scope);
    }
    scope.members.push(window.energy);
  };
  for (const window of windows) {
    into('ASSET', window.assetPath, window);
    into('LINE', lineOf(window.assetPath), window);
    into('SITE', siteOf(window.assetPath), window);
  }
  const rows = [...scopes.values()].map((scope) => priced(scope, calendar));
  // A fixed order makes a replayed window's rows identical, record for record.
  return rows.sort((a, b) => a.windowStart - b.windowStart || a.level.localeCompare(b.level) || a.scopePath.localeCompare(b.scopePath));
}

function priced(scope: Scope, calendar: TariffCalendar): ConsumptionWindow {
  const windowMs = scope.end - scope.start;
  const energyKwh = scope.members.reduce((sum, m) => sum + m.energyKwh, 0);
  const coverage = scope.members.reduce((sum, m) => sum + m.coveredMs / windowMs, 0) / scope.members.length;
  const price = calendar.priceAt(scope.sitePath, scope.start);
  return {
    windowStart: scope.start,
    windowEnd: scope.end,
    level: scope.level,
    scopePath: scope.scopePath,
    sitePath: scope.sitePath,
    energyKwh,
    coverageRatio: Math.min(1, coverage),
    assetCount: scope.members.length,
    readingCount: scope.members.reduce((sum, m) => sum + m.readingCount, 0),
    cost: price ? energyKwh * price.pricePerKwh : null,
    currency: price?.currency ?? null,
    tariffPeriod: price?.period ?? null,
    pricePerKwh: price?.pricePerKwh ?? null,
  };
}
