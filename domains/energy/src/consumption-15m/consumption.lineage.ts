import { columnLineage, type ColumnLineageFacet, type DatasetRef } from '@fieldmesh/lineage';

/** How each field of energy.consumption-15m.v1 derives from the clean telemetry's fields. */
export function consumptionColumnLineage(clean: DatasetRef): ColumnLineageFacet {
  const window = 'tumbling 15-minute event-time window of readingTime';
  const tariff = "the site tariff's period at the window start (tariffs config)";
  return columnLineage({
    windowStart: { dataset: clean, fields: 'readingTime', kind: 'AGGREGATION', transformation: window },
    windowEnd: { dataset: clean, fields: 'readingTime', kind: 'AGGREGATION', transformation: window },
    level: { dataset: clean, fields: 'assetPath', transformation: 'ASSET, LINE or SITE rollup of the ISA-95 path' },
    scopePath: { dataset: clean, fields: 'assetPath', transformation: 'the asset path, its line (parent) or its site (first two levels)' },
    sitePath: { dataset: clean, fields: 'assetPath', transformation: 'first two levels of the ISA-95 path' },
    energyKwh: {
      dataset: clean,
      fields: ['value', 'readingTime', 'signal', 'quality'],
      kind: 'AGGREGATION',
      transformation: 'trapezoid integral of power (kW) over the window, summed over the scope',
    },
    coverageRatio: { dataset: clean, fields: 'readingTime', kind: 'AGGREGATION', transformation: 'share of the window covered by readings, mean over the scope' },
    assetCount: { dataset: clean, fields: 'assetPath', kind: 'AGGREGATION', transformation: 'distinct assets with power readings' },
    readingCount: { dataset: clean, fields: 'value', kind: 'AGGREGATION', transformation: 'count of power readings' },
    cost: { dataset: clean, fields: ['value', 'readingTime', 'assetPath'], kind: 'AGGREGATION', transformation: `energyKwh × price of ${tariff}` },
    currency: { dataset: clean, fields: 'assetPath', transformation: tariff },
    tariffPeriod: { dataset: clean, fields: ['readingTime', 'assetPath'], transformation: tariff },
    pricePerKwh: { dataset: clean, fields: ['readingTime', 'assetPath'], transformation: tariff },
  });
}
