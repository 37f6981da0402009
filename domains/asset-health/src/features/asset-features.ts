import { SIGNAL_STATISTICS, type SignalFeatures } from './signal.stats';

/** One record of `asset-health.features.v1`: one asset, one tumbling window. */
export interface AssetFeatures {
  assetPath: string;
  assetClass: string;
  windowStart: Date;
  windowEnd: Date;
  readingCount: number;
  signals: SignalFeatures[];
}

/**
 * The features by model-card name: `<signal>.<stat>` (e.g. `bearing_temperature.slope`) and the window's
 * `readingCount`, which model cards use to say which windows they cover.
 */
export function featureValues(features: Pick<AssetFeatures, 'signals' | 'readingCount'>): Record<string, number> {
  const values: Record<string, number> = { readingCount: features.readingCount };
  for (const signal of features.signals) {
    for (const statistic of SIGNAL_STATISTICS) values[`${signal.signal}.${statistic}`] = signal[statistic];
  }
  return values;
}
