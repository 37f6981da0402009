import { describe, expect, it } from 'vitest';
import { TariffCalendar } from './consumption-15m/tariff.calendar';
import { DEFAULT_TARIFFS_FILE, loadTariffs } from './energy.settings';

describe('shipped tariffs', () => {
  it('validate and price the simulated Berlin site by time of use', () => {
    const calendar = new TariffCalendar(loadTariffs(DEFAULT_TARIFFS_FILE));
    // Monday 2026-05-04 10:00 Berlin, and 22:00 the same day.
    expect(calendar.priceAt('acme/berlin', Date.UTC(2026, 4, 4, 8, 0))).toEqual({ period: 'peak', pricePerKwh: 0.31, currency: 'EUR' });
    expect(calendar.priceAt('acme/berlin', Date.UTC(2026, 4, 4, 20, 0))?.period).toBe('off-peak');
  });
});
