import { FileModelRegistry } from '@fieldmesh/ml';
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
import { loadLabels, loadMapping, type RecordingFiles } from './recording.reader';

export interface BacktestOptions {
  files: RecordingFiles;
  modelsDir: string;
  spec: WindowSpec;
  alerting: AlertPolicyOptions;
}

export interface BacktestResult {
  metrics: BacktestMetrics;
  models: Record<string, { champion: string; shadow?: string }>;
  windows: number;
  scored: number;
  assets: number;
  hours: number;
  alerts: AlertEvent[];
}

/**
 * Scores a labelled recording through the features pipeline, the anomaly operator and the alert policy
 * exactly as the stream jobs run them, then compares the alerts with the labels.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const mapping = loadMapping(options.files.mapping);
  const episodes = loadLabels(options.files.labels);
  const operator = await AnomalyOperator.create({ registry: new FileModelRegistry(options.modelsDir), windowMs: options.spec.windowMs, drift: { windowRows: 5000 } });
  try {
    const pipeline = new AnomalyPipeline(operator, new AlertPolicy(new AlertService(), options.alerting), { scores: 'backtest.scores', alerts: 'backtest.alerts' });
    const explicitClasses = Object.fromEntries(mapping.columns.filter((c) => c.assetClass).map((c) => [c.asset, c.assetClass!]));
    const alerts: AlertEvent[] = [];
    const verdicts = { normalWindows: 0, normalAnomalous: 0 };
    let windows = 0;
    let scored = 0;
    const span = await featuresOfRecording(options.files.csv, mapping, options.spec, assetClassResolver(explicitClasses), async (closed) => {
      windows += closed.length;
      const result = await pipeline.process(closed);
      alerts.push(...result.alerts);
      for (const score of result.scores) {
        if (score.role !== 'CHAMPION') continue;
        scored += 1;
        if (
          modesDuring(episodes, score.assetPath, score.windowStart.getTime(), score.windowEnd.getTime() + options.alerting.autoCloseAfterWindows * options.spec.windowMs).length > 0
        )
          continue;
        verdicts.normalWindows += 1;
        if (score.anomalous) verdicts.normalAnomalous += 1;
      }
    });
    const assets = new Set(mapping.columns.map((column) => column.asset));
    const hours = (span.lastMs - span.firstMs) / 3_600_000;
    const episodeHours = episodes.reduce((total, episode) => total + (episode.endMs - episode.startMs) / 3_600_000, 0);
    const metrics = evaluateAlerts(episodes, alerts, {
      graceMs: options.alerting.autoCloseAfterWindows * options.spec.windowMs,
      assetHoursNormal: assets.size * hours - episodeHours,
      windows: verdicts,
    });
    return { metrics, models: operator.models(), windows, scored, assets: assets.size, hours, alerts };
  } finally {
    await operator.close();
  }
}
