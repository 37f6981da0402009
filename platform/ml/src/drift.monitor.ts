import type { ModelCard } from './model-card';

export interface FeatureDrift {
  feature: string;
  /** Population stability index of the recent rows against the training bins. */
  psi: number;
  /** Shift of the recent mean from the training mean, in training standard deviations. */
  meanShift: number;
}

/** Input drift of one model version over one block of recent rows. */
export interface DriftReport {
  model: string;
  version: string;
  rows: number;
  at: Date;
  features: FeatureDrift[];
  /** Features whose PSI exceeds the threshold, worst first. */
  drifted: string[];
}

export interface DriftMonitorOptions {
  /** Rows per report. Default 1000. */
  windowRows?: number;
  /** PSI above which a feature counts as drifted; 0.25 is the usual "significant shift". Default 0.25. */
  psiThreshold?: number;
}

/** Floor of a bin share, so an empty bin on either side gives a large but finite PSI term. */
const SHARE_FLOOR = 1e-4;

/**
 * Compares the distribution of each input feature with the training distribution in the model card:
 * the recent rows are counted into the card's decile bins and, every `windowRows` rows, a report gives
 * PSI and mean shift per feature. Scoring goes on whatever the drift; the report is for people.
 */
export class DriftMonitor {
  private readonly windowRows: number;
  private readonly psiThreshold: number;
  private readonly counts: number[][];
  private readonly sums: number[];
  private rows = 0;
  private last: DriftReport | undefined;

  constructor(
    private readonly card: ModelCard,
    options: DriftMonitorOptions = {},
  ) {
    this.windowRows = options.windowRows ?? 1000;
    this.psiThreshold = options.psiThreshold ?? 0.25;
    this.counts = card.trainingData.featureStats.map((stats) => new Array<number>(stats.binShares.length).fill(0));
    this.sums = new Array<number>(card.trainingData.featureStats.length).fill(0);
  }

  /** Counts a row-major matrix in; returns a report each time a block of rows completes. */
  observe(matrix: Float32Array): DriftReport[] {
    const stats = this.card.trainingData.featureStats;
    const width = stats.length;
    const reports: DriftReport[] = [];
    for (let r = 0; r * width < matrix.length; r++) {
      for (let f = 0; f < width; f++) {
        const value = matrix[r * width + f]!;
        this.counts[f]![binOf(stats[f]!.binEdges, value)]! += 1;
        this.sums[f]! += value;
      }
      this.rows += 1;
      if (this.rows === this.windowRows) reports.push(this.report());
    }
    return reports;
  }

  /** The last completed report. */
  latest(): DriftReport | undefined {
    return this.last;
  }

  private report(): DriftReport {
    const features = this.card.trainingData.featureStats.map((stats, f) => {
      let psi = 0;
      stats.binShares.forEach((expected, b) => {
        const actual = Math.max(SHARE_FLOOR, this.counts[f]![b]! / this.rows);
        const reference = Math.max(SHARE_FLOOR, expected);
        psi += (actual - reference) * Math.log(actual / reference);
      });
      const mean = this.sums[f]! / this.rows;
      return { feature: stats.name, psi, meanShift: stats.std > 0 ? (mean - stats.mean) / stats.std : 0 };
    });
    const drifted = features
      .filter((d) => d.psi > this.psiThreshold)
      .sort((a, b) => b.psi - a.psi)
      .map((d) => d.feature);
    this.last = { model: this.card.name, version: this.card.version, rows: this.rows, at: new Date(), features, drifted };
    this.rows = 0;
    this.counts.forEach((bins) => bins.fill(0));
    this.sums.fill(0);
    return this.last;
  }
}

/** Index of the bin of `value` given the inner edges (right-closed, as numpy.searchsorted side='right'). */
function binOf(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (value >= edges[mid]!) low = mid + 1;
    else high = mid;
  }
  return low;
}
