import { linePathOf, type Plant } from './plant.model';

/** How fast the plant runs: samples per simulated second of every signal, and simulated seconds per wall second. */
export interface PlantPace {
  rate: number;
  speed: number;
}

/**
 * What one record of a data product stands for. `reading`: one per sample of every signal, `copies`
 * times over (one per protocol output the gateway reads, e.g. 2 for MQTT JSON and Sparkplug B).
 * `asset`: one per asset every `everySeconds` of simulated time (a window's features or score).
 */
export type ProductRecords = { per: 'reading'; copies?: number } | { per: 'asset'; everySeconds: number };

/**
 * Records per wall-clock second each line of the plant should bring each product, keyed by contract id
 * then ISA-95 line path: the expectations of the live completeness SLO (`@fieldmesh/slo`). The asset
 * catalogue is the plant model, so a plant of another shape gets its own figures.
 */
export function expectationsFromPlant(plant: Plant, pace: PlantPace, products: Record<string, ProductRecords>): Record<string, Record<string, number>> {
  const expectations: Record<string, Record<string, number>> = {};
  for (const [product, records] of Object.entries(products)) {
    const perLine: Record<string, number> = {};
    for (const asset of plant.assets) {
      const perSecond = records.per === 'reading' ? asset.signals.length * pace.rate * pace.speed * (records.copies ?? 1) : pace.speed / records.everySeconds;
      const line = linePathOf(asset);
      perLine[line] = (perLine[line] ?? 0) + perSecond;
    }
    expectations[product] = perLine;
  }
  return expectations;
}
