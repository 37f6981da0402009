import { describe, expect, it } from 'vitest';
import { lineOf, siteOf } from './asset.hierarchy';
import { rollUp } from './consumption.rollup';
import { TariffCalendar } from './tariff.calendar';
import { tariffConfigSchema } from './tariff.config';

const WINDOW = 15 * 60_000;
const calendar = new TariffCalendar(tariffConfigSchema.parse({ sites: { 'acme/berlin': { basePricePerKwh: 0.2 } } }));
const full = (energyKwh: number, readingCount = 90) => ({ energyKwh, coveredMs: WINDOW, readingCount });

describe('asset hierarchy', () => {
  it('finds the line and site of an ISA-95 asset path', () => {
    expect(lineOf('acme/berlin/press-shop/line-1/compressor-1')).toBe('acme/berlin/press-shop/line-1');
    expect(siteOf('acme/berlin/press-shop/line-1/compressor-1')).toBe('acme/berlin');
  });
});

describe('rollUp', () => {
  const windows = [
    { assetPath: 'acme/berlin/press-shop/line-1/compressor-1', start: 0, end: WINDOW, energy: full(15) },
    { assetPath: 'acme/berlin/press-shop/line-1/pump-1', start: 0, end: WINDOW, energy: { energyKwh: 5, coveredMs: WINDOW / 2, readingCount: 45 } },
    { assetPath: 'acme/berlin/press-shop/line-2/pump-1', start: 0, end: WINDOW, energy: full(10) },
    { assetPath: 'acme/lyon/hall/line-1/fan-1', start: 0, end: WINDOW, energy: full(1) },
  ];
  const rows = rollUp(windows, calendar);
  const row = (level: string, scopePath: string) => rows.find((r) => r.level === level && r.scopePath === scopePath);

  it('sums assets into their line and site', () => {
    expect(row('LINE', 'acme/berlin/press-shop/line-1')).toMatchObject({ energyKwh: 20, assetCount: 2, readingCount: 135, coverageRatio: 0.75 });
    expect(row('SITE', 'acme/berlin')).toMatchObject({ energyKwh: 30, assetCount: 3 });
    expect(rows.filter((r) => r.level === 'ASSET')).toHaveLength(4);
  });

  it('prices every level with the site tariff, and leaves sites without one unpriced', () => {
    expect(row('ASSET', 'acme/berlin/press-shop/line-1/compressor-1')).toMatchObject({ cost: 3, currency: 'EUR', pricePerKwh: 0.2, tariffPeriod: 'standard' });
    expect(row('SITE', 'acme/berlin')?.cost).toBeCloseTo(6, 9);
    expect(row('SITE', 'acme/lyon')).toMatchObject({ cost: null, currency: null, pricePerKwh: null });
  });

  it('emits the same rows in the same order whatever order the windows came in', () => {
    expect(rollUp([...windows].reverse(), calendar)).toEqual(rows);
  });
});
