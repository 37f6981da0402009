import { ChampionShadowScorer, type DriftMonitorOptions, type DriftReport, type FileModelRegistry, OnnxModel, type ScorerStats, type ShadowComparison } from '@fieldmesh/ml';
import { ModelWindowMismatch } from '../errors';
import { featureValues, type AssetFeatures } from '../features/asset-features';
import type { AnomalyScore } from './anomaly-score';

export interface AnomalyOperatorOptions {
  registry: FileModelRegistry;
  /** Asset class → model name; by default `asset-health-<class>` for every class the registry has. */
  models?: Record<string, string>;
  /** The features product's window size; every model must have been trained on it. */
  windowMs: number;
  /** Score a model's `shadow` alias beside its champion when the registry names one. Default true. */
  shadow?: boolean;
  drift?: DriftMonitorOptions;
  onDrift?: (report: DriftReport) => void;
  topContributors?: number;
  maxBatchRows?: number;
}

export interface AnomalyOperatorStats {
  windows: number;
  /** Windows of an asset class without a model. */
  noModel: Record<string, number>;
  byModel: Record<string, ScorerStats>;
  shadow: ShadowComparison[];
  drift: DriftReport[];
}

const MODEL_PREFIX = 'asset-health-';

/**
 * The anomaly operator: scores feature windows in batches with each asset class's champion model (and a
 * shadow candidate beside it), one onnxruntime session per model version. Champion and shadow scores
 * both come out as records; only champion scores go on to alerting.
 */
export class AnomalyOperator {
  private windows = 0;
  private readonly noModel: Record<string, number> = {};

  private constructor(private readonly scorers: Map<string, ChampionShadowScorer>) {}

  static async create(options: AnomalyOperatorOptions): Promise<AnomalyOperator> {
    const models =
      options.models ??
      Object.fromEntries(
        options.registry
          .names()
          .filter((name) => name.startsWith(MODEL_PREFIX))
          .map((name) => [name.slice(MODEL_PREFIX.length), name]),
      );
    const scorers = new Map<string, ChampionShadowScorer>();
    try {
      for (const [assetClass, name] of Object.entries(models)) {
        const championEntry = options.registry.get(name);
        const shadowEntry = options.shadow === false ? undefined : options.registry.shadow(name);
        for (const entry of [championEntry, ...(shadowEntry ? [shadowEntry] : [])]) {
          const trainedOn = Number(entry.card.labels.featureWindowMs);
          if (trainedOn !== options.windowMs) throw new ModelWindowMismatch(`${entry.name}@${entry.version}`, trainedOn, options.windowMs);
        }
        const load = { ...(options.maxBatchRows ? { maxBatchRows: options.maxBatchRows } : {}) };
        const champion = await OnnxModel.load(championEntry, load);
        const shadow = shadowEntry ? await OnnxModel.load(shadowEntry, load) : undefined;
        scorers.set(
          assetClass,
          new ChampionShadowScorer(champion, shadow, {
            drift: options.drift ?? {},
            ...(options.onDrift ? { onDrift: options.onDrift } : {}),
            ...(options.topContributors ? { topContributors: options.topContributors } : {}),
          }),
        );
      }
    } catch (error) {
      for (const scorer of scorers.values()) await scorer.close();
      throw error;
    }
    return new AnomalyOperator(scorers);
  }

  /** The model versions in use, per asset class. */
  models(): Record<string, { champion: string; shadow?: string }> {
    return Object.fromEntries(
      [...this.scorers].map(([assetClass, scorer]) => [assetClass, { champion: scorer.champion.id, ...(scorer.shadow ? { shadow: scorer.shadow.id } : {}) }]),
    );
  }

  /**
   * Scores the windows, batched per asset class. Returns the champion scores (in input order, windows a
   * model does not cover left out) and the shadow scores.
   */
  async score(windows: readonly AssetFeatures[]): Promise<{ champion: AnomalyScore[]; shadow: AnomalyScore[] }> {
    this.windows += windows.length;
    const byClass = new Map<string, AssetFeatures[]>();
    for (const window of windows) {
      if (!this.scorers.has(window.assetClass)) {
        this.noModel[window.assetClass] = (this.noModel[window.assetClass] ?? 0) + 1;
        continue;
      }
      const group = byClass.get(window.assetClass);
      if (group) group.push(window);
      else byClass.set(window.assetClass, [window]);
    }
    const champion: AnomalyScore[] = [];
    const shadow: AnomalyScore[] = [];
    for (const [assetClass, group] of byClass) {
      const scored = await this.scorers.get(assetClass)!.score(
        group.map(featureValues),
        group.map((window) => window.assetPath),
      );
      group.forEach((window, i) => {
        for (const [results, into] of [
          [scored.champion, champion],
          [scored.shadow, shadow],
        ] as const) {
          const result = results[i];
          if (!result) continue;
          into.push({
            assetPath: window.assetPath,
            assetClass: window.assetClass,
            windowStart: window.windowStart,
            windowEnd: window.windowEnd,
            modelName: result.model,
            modelVersion: result.version,
            role: result.role,
            score: result.score,
            threshold: result.threshold,
            anomalous: result.anomalous,
            contributors: result.contributors,
            imputedFeatures: result.imputed,
          });
        }
      });
    }
    const byEnd = (a: AnomalyScore, b: AnomalyScore) => a.windowEnd.getTime() - b.windowEnd.getTime() || a.assetPath.localeCompare(b.assetPath);
    return { champion: champion.sort(byEnd), shadow: shadow.sort(byEnd) };
  }

  stats(): AnomalyOperatorStats {
    const scorers = [...this.scorers.values()];
    return {
      windows: this.windows,
      noModel: { ...this.noModel },
      byModel: Object.fromEntries(scorers.map((scorer) => [scorer.champion.id, scorer.stats()])),
      shadow: scorers.flatMap((scorer) => scorer.comparison() ?? []),
      drift: scorers.flatMap((scorer) => scorer.latestDrift() ?? []),
    };
  }

  async close(): Promise<void> {
    for (const scorer of this.scorers.values()) await scorer.close();
  }
}
