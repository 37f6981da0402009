import type { FeatureRow } from './feature.matrix';

/** A model card's per-asset baseline: each asset's first `windows` scored windows define its normal level. */
export interface BaselineSpec {
  windows: number;
}

interface Accumulator {
  seen: number;
  sums: number[];
  counts: number[];
  means?: number[];
}

/**
 * Per-asset baselines: each asset's features are centred on the mean of its own first windows before the
 * class model scores them, so a model learns how features move around an asset's normal level rather than
 * taking the spread of levels between assets (or runs) as normal. An asset's windows are not scored until
 * its baseline is complete: until then the model cannot tell its normal from a fault. tools/ml/train.py
 * centres the training data the same way (`--baseline-windows`).
 */
export class AssetBaselines {
  private readonly assets = new Map<string, Accumulator>();

  constructor(
    private readonly spec: BaselineSpec,
    private readonly features: readonly string[],
  ) {}

  /**
   * The row centred on its asset's baseline, or undefined while the asset's baseline is still being
   * learned (the row is then part of it). Missing values are neither learned nor centred.
   */
  centre(assetPath: string, row: FeatureRow): FeatureRow | undefined {
    let accumulator = this.assets.get(assetPath);
    if (!accumulator) {
      accumulator = { seen: 0, sums: this.features.map(() => 0), counts: this.features.map(() => 0) };
      this.assets.set(assetPath, accumulator);
    }
    const { means } = accumulator;
    if (!means) {
      accumulator.seen += 1;
      this.features.forEach((name, i) => {
        const value = row[name];
        if (value === undefined || !Number.isFinite(value)) return;
        accumulator.sums[i]! += value;
        accumulator.counts[i]! += 1;
      });
      // A feature never seen in the baseline stays uncentred (mean 0); the model then imputes or scores it as is.
      if (accumulator.seen >= this.spec.windows) accumulator.means = accumulator.sums.map((sum, i) => (accumulator.counts[i]! > 0 ? sum / accumulator.counts[i]! : 0));
      return undefined;
    }
    const centred: Record<string, number | undefined> = { ...row };
    this.features.forEach((name, i) => {
      const value = row[name];
      centred[name] = value === undefined ? undefined : value - means[i]!;
    });
    return centred;
  }

  /** Assets still learning their baseline. */
  warmingUp(): number {
    return [...this.assets.values()].filter((accumulator) => !accumulator.means).length;
  }
}
