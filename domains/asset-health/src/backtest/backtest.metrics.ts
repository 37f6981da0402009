import type { AlertEvent } from '../alerts/alert-event';
import type { LabelledEpisode } from './recording.reader';

export interface EpisodeOutcome {
  episode: LabelledEpisode;
  /** The first alert opened on the episode's asset while it was active. */
  alertId?: string;
  /** Seconds from the episode's start to that alert. */
  delaySeconds?: number;
}

export interface BacktestMetrics {
  episodes: number;
  detected: number;
  alerts: number;
  truePositives: number;
  falseAlerts: number;
  precision: number;
  recall: number;
  f1: number;
  /** False alerts per asset-day of operation without a failure. */
  falseAlarmsPerAssetDay: number;
  /** Share of scored windows without a failure that scored anomalous. */
  windowFalsePositiveRate: number;
  delaySeconds: { median: number | null; p90: number | null; max: number | null };
  byMode: Record<string, { episodes: number; detected: number; medianDelaySeconds: number | null }>;
  outcomes: EpisodeOutcome[];
}

export interface WindowVerdicts {
  normalWindows: number;
  normalAnomalous: number;
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Episode-level evaluation, as an operator experiences alerts. An episode is detected when an alert opens
 * on its asset between its start and its end; the delay runs from the start to that alert. An alert is a
 * true positive when it opened on an asset during one of its episodes or within `graceMs` after it (the
 * machine takes a moment to settle); every other alert is a false alarm.
 */
export function evaluateAlerts(
  episodes: readonly LabelledEpisode[],
  events: readonly AlertEvent[],
  options: { graceMs: number; assetHoursNormal: number; windows: WindowVerdicts },
): BacktestMetrics {
  const opened = events.filter((event) => event.type === 'OPENED');
  const outcomes: EpisodeOutcome[] = episodes.map((episode) => {
    const alert = opened.find((event) => event.assetPath === episode.assetPath && event.at.getTime() >= episode.startMs && event.at.getTime() <= episode.endMs);
    return alert ? { episode, alertId: alert.alertId, delaySeconds: (alert.at.getTime() - episode.startMs) / 1000 } : { episode };
  });
  const truePositives = opened.filter((event) =>
    episodes.some((episode) => episode.assetPath === event.assetPath && event.at.getTime() >= episode.startMs && event.at.getTime() <= episode.endMs + options.graceMs),
  ).length;
  const detected = outcomes.filter((outcome) => outcome.alertId).length;
  const precision = opened.length > 0 ? truePositives / opened.length : 0;
  const recall = episodes.length > 0 ? detected / episodes.length : 0;
  const delays = outcomes.flatMap((outcome) => (outcome.delaySeconds === undefined ? [] : [outcome.delaySeconds])).sort((a, b) => a - b);
  const byMode: BacktestMetrics['byMode'] = {};
  for (const mode of [...new Set(episodes.map((episode) => episode.mode))].sort()) {
    const ofMode = outcomes.filter((outcome) => outcome.episode.mode === mode);
    const modeDelays = ofMode.flatMap((outcome) => (outcome.delaySeconds === undefined ? [] : [outcome.delaySeconds])).sort((a, b) => a - b);
    byMode[mode] = { episodes: ofMode.length, detected: modeDelays.length, medianDelaySeconds: quantile(modeDelays, 0.5) };
  }
  const falseAlerts = opened.length - truePositives;
  return {
    episodes: episodes.length,
    detected,
    alerts: opened.length,
    truePositives,
    falseAlerts,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    falseAlarmsPerAssetDay: options.assetHoursNormal > 0 ? (falseAlerts / options.assetHoursNormal) * 24 : 0,
    windowFalsePositiveRate: options.windows.normalWindows > 0 ? options.windows.normalAnomalous / options.windows.normalWindows : 0,
    delaySeconds: { median: quantile(delays, 0.5), p90: quantile(delays, 0.9), max: delays.at(-1) ?? null },
    byMode,
    outcomes,
  };
}
