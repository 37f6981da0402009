import { parseWith } from '@fieldmesh/config';
import { describe, expect, it } from 'vitest';
import { TariffCalendar } from './tariff.calendar';
import { tariffConfigSchema } from './tariff.config';

const config = tariffConfigSchema.parse({
  sites: {
    'acme/berlin': {
      timeZone: 'Europe/Berlin',
      basePricePerKwh: 0.2,
      basePeriodName: 'off-peak',
      periods: [{ name: 'peak', pricePerKwh: 0.32, days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '20:00' }],
    },
  },
  default: { currency: 'USD', basePricePerKwh: 0.15 },
});
const calendar = new TariffCalendar(config);

describe('TariffCalendar', () => {
  it('prices a weekday morning window at the peak price in the site’s local time', () => {
    // Friday 2026-05-01 06:00 UTC is 08:00 in Berlin (CEST).
    expect(calendar.priceAt('acme/berlin', Date.UTC(2026, 4, 1, 6, 0))).toEqual({ period: 'peak', pricePerKwh: 0.32, currency: 'EUR' });
    expect(calendar.priceAt('acme/berlin', Date.UTC(2026, 4, 1, 5, 45))).toEqual({ period: 'off-peak', pricePerKwh: 0.2, currency: 'EUR' });
  });

  it('uses the base price on days the period does not list', () => {
    // Saturday 2026-05-02 10:00 in Berlin.
    expect(calendar.priceAt('acme/berlin', Date.UTC(2026, 4, 2, 8, 0))?.period).toBe('off-peak');
  });

  it('falls back to the default tariff for a site without its own', () => {
    expect(calendar.priceAt('acme/lyon', Date.UTC(2026, 4, 1, 8, 0))).toEqual({ period: 'standard', pricePerKwh: 0.15, currency: 'USD' });
  });

  it('gives no price when neither the site nor a default has a tariff', () => {
    expect(new TariffCalendar(tariffConfigSchema.parse({})).priceAt('acme/berlin', 0)).toBeUndefined();
  });

  it('handles periods over midnight', () => {
    const night = new TariffCalendar(tariffConfigSchema.parse({ default: { basePricePerKwh: 0.3, periods: [{ name: 'night', pricePerKwh: 0.1, from: '22:00', to: '06:00' }] } }));
    expect(night.priceAt('x/y', Date.UTC(2026, 4, 1, 23, 30))?.period).toBe('night');
    expect(night.priceAt('x/y', Date.UTC(2026, 4, 1, 5, 45))?.period).toBe('night');
    expect(night.priceAt('x/y', Date.UTC(2026, 4, 1, 6, 0))?.period).toBe('standard');
  });

  it('names each wrong field of a tariff config', () => {
    const result = parseWith(tariffConfigSchema, {
      sites: { 'acme/berlin': { basePricePerKwh: -1, timeZone: 'Mars/Olympus', periods: [{ name: 'peak', pricePerKwh: 0.3, from: '08:10', to: '20:00' }] } },
    });
    const paths = result.ok ? [] : result.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['sites.acme/berlin.basePricePerKwh', 'sites.acme/berlin.timeZone', 'sites.acme/berlin.periods.0.from']));
  });

  it('rejects a site key that is not an enterprise/site path', () => {
    const result = parseWith(tariffConfigSchema, { sites: { berlin: { basePricePerKwh: 0.2 } } });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(['sites.berlin']);
  });
});
