import { topContributors, type FeatureContribution } from './contributors';
import { AssetsNotGiven } from './errors';
import { DriftMonitor, type DriftMonitorOptions, type DriftReport } from './drift.monitor';
import { AssetBaselines } from './asset-baseline';
import { prepareBatch, type FeatureRow } from './feature.matrix';
import type { OnnxModel } from './onnx.model';

export type ModelRole = 'CHAMPION' | 'SHADOW';

/** One input row scored by one model version. */
export interface RowScore {
  /** Index of the row in the batch that was scored. */
  row: number;
  model: string;
  version: string;
  role: ModelRole;
  score: number;
  threshold: number;
  anomalous: boolean;
  contributors: FeatureContribution[];
  imputed: string[];
}

/** How the shadow candidate's verdicts compare with the champion's on the rows both scored. */
export interface ShadowComparison {
  champion: string;
  shadow: string;
  rows: number;
  bothAnomalous: number;
  championOnly: number;
  shadowOnly: number;
  /** Share of rows with the same verdict. */
  agreement: number;
}

export interface ScorerStats {
  rows: number;
  scored: number;
  notApplicable: number;
  anomalous: number;
  imputedRows: number;
  batches: number;
}

export interface ChampionShadowOptions {
  /** How many contributing features each score names. Default 3. */
  topContributors?: number;
  /** Input drift of the champion; omit to leave drift unmonitored. */
  drift?: DriftMonitorOptions;
  /** Called with each drift report, e.g. to log it or publish it. */
  onDrift?: (report: DriftReport) => void;
}

/**
 * Scores batches with the champion and, beside it, an optional shadow candidate. Both see the same rows;
 * only champion scores are meant to alert, shadow scores are returned for recording and counted into a
 * comparison, so a candidate can be judged on live data before it is promoted.
 */
export class ChampionShadowScorer {
  private readonly drift: DriftMonitor | undefined;
  private readonly counters: ScorerStats = { rows: 0, scored: 0, notApplicable: 0, anomalous: 0, imputedRows: 0, batches: 0 };
  private readonly compared = { rows: 0, bothAnomalous: 0, championOnly: 0, shadowOnly: 0 };
  /** Per-asset baselines of each model whose card asks for one, keyed by model id. */
  private readonly baselines = new Map<string, AssetBaselines>();

  constructor(
    readonly champion: OnnxModel,
    readonly shadow: OnnxModel | undefined,
    private readonly options: ChampionShadowOptions = {},
  ) {
    this.drift = options.drift ? new DriftMonitor(champion.card, options.drift) : undefined;
    for (const model of [champion, ...(shadow ? [shadow] : [])]) {
      if (model.card.baseline) this.baselines.set(model.id, new AssetBaselines(model.card.baseline, model.card.inputs.features));
    }
  }

  /**
   * Scores the rows; entries are undefined for rows a model does not cover, or, for a model with a
   * per-asset baseline, of an asset still learning it. `assets` names each row's asset (row-aligned);
   * a model with a baseline needs it.
   */
  async score(rows: readonly FeatureRow[], assets: readonly string[] = []): Promise<{ champion: Array<RowScore | undefined>; shadow: Array<RowScore | undefined> }> {
    const champion = await this.scoreWith(this.champion, 'CHAMPION', rows, assets);
    const shadow = this.shadow ? await this.scoreWith(this.shadow, 'SHADOW', rows, assets) : [];
    this.counters.rows += rows.length;
    this.counters.batches += 1;
    for (const result of champion) {
      if (!result) {
        this.counters.notApplicable += 1;
        continue;
      }
      this.counters.scored += 1;
      if (result.anomalous) this.counters.anomalous += 1;
      if (result.imputed.length > 0) this.counters.imputedRows += 1;
    }
    if (this.shadow) this.compare(champion, shadow);
    return { champion, shadow };
  }

  stats(): ScorerStats {
    return { ...this.counters };
  }

  comparison(): ShadowComparison | undefined {
    if (!this.shadow) return undefined;
    const { rows, bothAnomalous, championOnly, shadowOnly } = this.compared;
    return { champion: this.champion.id, shadow: this.shadow.id, rows, bothAnomalous, championOnly, shadowOnly, agreement: rows > 0 ? 1 - (championOnly + shadowOnly) / rows : 1 };
  }

  latestDrift(): DriftReport | undefined {
    return this.drift?.latest();
  }

  async close(): Promise<void> {
    await this.champion.close();
    await this.shadow?.close();
  }

  private async scoreWith(model: OnnxModel, role: ModelRole, rows: readonly FeatureRow[], assets: readonly string[]): Promise<Array<RowScore | undefined>> {
    const results = new Array<RowScore | undefined>(rows.length).fill(undefined);
    const baselines = this.baselines.get(model.id);
    if (baselines && assets.length !== rows.length) throw new AssetsNotGiven(model.id, rows.length, assets.length);
    const batch = prepareBatch(model.card, rows, baselines ? (row, index) => baselines.centre(assets[index]!, row) : undefined);
    if (batch.sources.length === 0) return results;
    const output = await model.score(batch.matrix);
    if (role === 'CHAMPION' && this.drift) for (const report of this.drift.observe(batch.matrix)) this.options.onDrift?.(report);
    const width = model.card.inputs.features.length;
    const { threshold } = model.card;
    batch.sources.forEach((source, r) => {
      const score = output.scores[r]!;
      const values = batch.matrix.subarray(r * width, (r + 1) * width);
      const contributors = output.contributions
        ? topContributors(model.card, output.contributions.subarray(r * width, (r + 1) * width), values, this.options.topContributors ?? 3)
        : [];
      results[source] = {
        row: source,
        model: model.entry.name,
        version: model.entry.version,
        role,
        score,
        threshold,
        anomalous: score > threshold,
        contributors,
        imputed: batch.imputed[r]!,
      };
    });
    return results;
  }

  private compare(champion: ReadonlyArray<RowScore | undefined>, shadow: ReadonlyArray<RowScore | undefined>): void {
    champion.forEach((c, i) => {
      const s = shadow[i];
      if (!c || !s) return;
      this.compared.rows += 1;
      if (c.anomalous && s.anomalous) this.compared.bothAnomalous += 1;
      else if (c.anomalous) this.compared.championOnly += 1;
      else if (s.anomalous) this.compared.shadowOnly += 1;
    });
  }
}
