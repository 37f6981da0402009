import { describe, expect, it } from 'vitest';
import { buildPlant } from './plant.model';
import { expectationsFromPlant } from './plant.expectations';

describe('expectationsFromPlant', () => {
  it('expects each line to bring its signals × rate × speed × protocol copies, and one record per asset and window', () => {
    // Per line: compressor and pump 8 signals each, motor and conveyor 6 each = 28 signals, 4 assets.
    const plant = buildPlant({ enterprise: 'acme', sites: ['berlin'], area: 'press-shop', linesPerSite: 2, assetClasses: ['compressor', 'pump', 'motor', 'conveyor'] });
    const expectations = expectationsFromPlant(
      plant,
      { rate: 1, speed: 10 },
      {
        'plant-telemetry.raw': { per: 'reading', copies: 2 },
        'asset-health.features': { per: 'asset', everySeconds: 10 },
      },
    );
    expect(expectations).toEqual({
      'plant-telemetry.raw': { 'acme/berlin/press-shop/line-1': 560, 'acme/berlin/press-shop/line-2': 560 },
      'asset-health.features': { 'acme/berlin/press-shop/line-1': 4, 'acme/berlin/press-shop/line-2': 4 },
    });
  });

  it('follows the shape of the plant: sites, lines and asset classes', () => {
    const plant = buildPlant({ enterprise: 'acme', sites: ['berlin', 'hamburg'], area: 'press-shop', linesPerSite: 1, assetClasses: ['motor'] });
    expect(expectationsFromPlant(plant, { rate: 2, speed: 1 }, { raw: { per: 'reading' } })).toEqual({
      raw: { 'acme/berlin/press-shop/line-1': 12, 'acme/hamburg/press-shop/line-1': 12 },
    });
  });
});
