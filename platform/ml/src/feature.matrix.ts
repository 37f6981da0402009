import type { ModelCard } from './model-card';

/** Feature values of one row by model-card name. */
export type FeatureRow = Readonly<Record<string, number | undefined>>;

/** Rows turned into a model's input tensor, in the card's feature order. */
export interface PreparedBatch {
  /** Row-major [rows × features]. */
  matrix: Float32Array;
  /** For each matrix row, the index of the input row it came from. */
  sources: number[];
  /** Per matrix row, the features that were missing and scored at their training mean. */
  imputed: string[][];
  /** Input rows the model does not cover (outside its applicability), left unscored. */
  notApplicable: number[];
}

export function isApplicable(card: ModelCard, row: FeatureRow): boolean {
  return card.applicability.every((condition) => {
    const value = row[condition.feature];
    if (value === undefined || !Number.isFinite(value)) return false;
    return (condition.min === undefined || value >= condition.min) && (condition.max === undefined || value <= condition.max);
  });
}

/**
 * Builds the input tensor in the card's order. A missing or non-finite feature takes its training mean,
 * which adds nothing to a Mahalanobis-type score, and is named so the score record can say so.
 */
export function prepareBatch(card: ModelCard, rows: readonly FeatureRow[]): PreparedBatch {
  const names = card.inputs.features;
  const means = card.trainingData.featureStats.map((stats) => stats.mean);
  const sources: number[] = [];
  const imputed: string[][] = [];
  const notApplicable: number[] = [];
  rows.forEach((row, index) => (isApplicable(card, row) ? sources.push(index) : notApplicable.push(index)));
  const matrix = new Float32Array(sources.length * names.length);
  sources.forEach((source, r) => {
    const row = rows[source]!;
    const missing: string[] = [];
    names.forEach((name, f) => {
      const value = row[name];
      if (value === undefined || !Number.isFinite(value)) {
        missing.push(name);
        matrix[r * names.length + f] = means[f]!;
      } else matrix[r * names.length + f] = value;
    });
    imputed.push(missing);
  });
  return { matrix, sources, imputed, notApplicable };
}
