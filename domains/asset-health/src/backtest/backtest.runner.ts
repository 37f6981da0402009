import { FileModelRegistry, type PredictionRow } from '@fieldmesh/ml';
import type { AnomalyScore } from '../anomaly-scores/anomaly-score';
import type { AlertEvent } from '../alerts/alert-event';
import { AlertPolicy, type AlertPolicyOptions } from '../alerts/alert.policy';
import { AlertService } from '../alerts/alert.service';
import { AnomalyOperator } from '../anomaly-scores/anomaly.operator';
import { AnomalyPipeline } from '../anomaly-scores/anomaly.pipeline';
import { assetClassResolver } from '../features/asset-class.resolver';
import type { WindowSpec } from '../features/features.contract';
import { evaluateAlerts, type BacktestMetrics } from './backtest.metrics';
import { modesDuring } from './episodes';
import { featuresOfRecording } from './recording.features';
import { loadMapping, recordingEpisodes, type LabelledEpisode, type RecordingFiles } from './recording.reader';

export interface BacktestOptions {
  files: RecordingFiles;
  modelsDir: string;
  spec: WindowSpec;
  alerting: AlertPolicyOptions;
  /** Keep each champion score and derive a prediction per reading timestamp (memory grows with the recording). */
  predictions?: boolean;
}

export interface BacktestResult {
  metrics: BacktestMetrics;
  models: Record<string, { champion: string; shadow?: string }>;
  windows: number;
  scored: number;
  assets: number;
  hours: number;
  alerts: AlertEvent[];
  /** Champion scores of every window, when `predictions` was asked for. */
  scores: AnomalyScore[];
  /** Per asset and reading timestamp: the label and the verdict of the window it fell in, when asked for. */
  predictions: PredictionRow[];
}

/**
 * Scores a labelled recording through the features pipeline, the anomaly operator and the alert policy
 * exactly as the stream jobs run them, then compares the alerts with the labels.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const mapping = loadMapping(options.files.mapping);
  const episodes = await recordingEpisodes(options.files, mapping);
  const operator = await AnomalyOperator.create({ registry: new FileModelRegistry(options.modelsDir), windowMs: options.spec.windowMs, drift: { windowRows: 5000 } });
  try {
    const pipeline = new AnomalyPipeline(operator, new AlertPolicy(new AlertService(), options.alerting), { scores: 'backtest.scores', alerts: 'backtest.alerts' });
    const explicitClasses = Object.fromEntries(mapping.columns.filter((c) => c.assetClass).map((c) => [c.asset, c.assetClass!]));
    const alerts: AlertEvent[] = [];
    const verdicts = { normalWindows: 0, normalAnomalous: 0 };
    let windows = 0;
    let scored = 0;
    const scores: AnomalyScore[] = [];
    const timestamps = new Map<string, number[]>();
    const keepTimestamps = (readings: readonly { assetPath: string; timeMs: number }[]) => {
      for (const reading of readings) {
        const times = timestamps.get(reading.assetPath);
        if (!times) timestamps.set(reading.assetPath, [reading.timeMs]);
        else if (times.at(-1) !== reading.timeMs) times.push(reading.timeMs);
      }
    };
    const onWindows = async (closed: Parameters<typeof pipeline.process>[0]) => {
      windows += closed.length;
      const result = await pipeline.process(closed);
      alerts.push(...result.alerts);
      for (const score of result.scores) {
        if (score.role !== 'CHAMPION') continue;
        scored += 1;
        if (options.predictions) scores.push(score);
        if (
          modesDuring(episodes, score.assetPath, score.windowStart.getTime(), score.windowEnd.getTime() + options.alerting.autoCloseAfterWindows * options.spec.windowMs).length > 0
        )
          continue;
        verdicts.normalWindows += 1;
        if (score.anomalous) verdicts.normalAnomalous += 1;
      }
    };
    const span = await featuresOfRecording(
      options.files.csv,
      mapping,
      options.spec,
      assetClassResolver(explicitClasses),
      onWindows,
      options.predictions ? keepTimestamps : undefined,
    );
    // Each asset counts for its own span only: an asset recorded for an hour of a day-long file ran an hour.
    const assetHours = [...span.assets.values()].reduce((total, asset) => total + (asset.lastMs - asset.firstMs) / 3_600_000, 0);
    const episodeHours = episodes.reduce((total, episode) => total + (episode.endMs - episode.startMs) / 3_600_000, 0);
    const metrics = evaluateAlerts(episodes, alerts, {
      graceMs: options.alerting.autoCloseAfterWindows * options.spec.windowMs,
      assetHoursNormal: assetHours - episodeHours,
      windows: verdicts,
    });
    const predictions = options.predictions ? predictionsOf(timestamps, scores, episodes, options.spec.windowMs) : [];
    return { metrics, models: operator.models(), windows, scored, assets: span.assets.size, hours: (span.lastMs - span.firstMs) / 3_600_000, alerts, scores, predictions };
  } finally {
    await operator.close();
  }
}

/**
 * One prediction per asset and reading timestamp: the verdict of the champion score of the window the
 * timestamp fell in (windows are aligned to the epoch), not flagged where no model scored the window
 * (outside the model's applicability, or an asset still learning its baseline).
 */
function predictionsOf(timestamps: Map<string, number[]>, scores: readonly AnomalyScore[], episodes: readonly LabelledEpisode[], windowMs: number): PredictionRow[] {
  const byWindow = new Map(scores.map((score) => [`${score.assetPath}@${score.windowStart.getTime()}`, score]));
  const rows: PredictionRow[] = [];
  for (const [assetPath, times] of timestamps) {
    for (const timeMs of times) {
      const score = byWindow.get(`${assetPath}@${Math.floor(timeMs / windowMs) * windowMs}`);
      const label = modesDuring(episodes, assetPath, timeMs, timeMs + 1).join(';');
      rows.push({
        assetPath,
        timeMs,
        label,
        anomaly: label !== '',
        predicted: score?.anomalous ?? false,
        ...(score ? { score: score.score, threshold: score.threshold } : {}),
      });
    }
  }
  return rows;
}
