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
  /** Applicable rows the transform held back (an asset still learning its baseline), left unscored. */
  heldBack: number[];
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
 * Applicability is judged on the rows as given; `transform` (e.g. a per-asset baseline) then maps each
 * applicable row to the model's input, or holds it back by returning undefined.
 */
export function prepareBatch(card: ModelCard, rows: readonly FeatureRow[], transform?: (row: FeatureRow, index: number) => FeatureRow | undefined): PreparedBatch {
  const names = card.inputs.features;
  const means = card.trainingData.featureStats.map((stats) => stats.mean);
  const sources: number[] = [];
  const inputs: FeatureRow[] = [];
  const imputed: string[][] = [];
  const notApplicable: number[] = [];
  const heldBack: number[] = [];
  rows.forEach((row, index) => {
    if (!isApplicable(card, row)) return void notApplicable.push(index);
    const input = transform ? transform(row, index) : row;
    if (!input) return void heldBack.push(index);
    sources.push(index);
    inputs.push(input);
  });
  const matrix = new Float32Array(sources.length * names.length);
  inputs.forEach((row, r) => {
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
  return { matrix, sources, imputed, notApplicable, heldBack };
}
