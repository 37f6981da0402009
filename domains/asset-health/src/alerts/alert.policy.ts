import type { AnomalyScore } from '../anomaly-scores/anomaly-score';
import { SYSTEM_ACTOR, type AlertEvent } from './alert-event';
import type { AlertService } from './alert.service';

export interface AlertPolicyOptions {
  /** Consecutive anomalous windows that open an alert: one window is noise, a run is a condition. */
  openAfterWindows: number;
  /** Consecutive normal windows after which an alert nobody acknowledged is closed by the operator. */
  autoCloseAfterWindows: number;
}

interface AssetRun {
  anomalous: AnomalyScore[];
  normal: number;
}

/**
 * Turns champion scores into alert events: an alert opens when an asset's score stays above its
 * threshold for `openAfterWindows` consecutive scored windows (the onset is the first of them), and an
 * alert still OPENED (nobody took it) closes itself after `autoCloseAfterWindows` normal windows. Windows
 * a model does not cover neither extend nor break a run. An asset with an alert in progress gets no
 * second one.
 */
export class AlertPolicy {
  private readonly runs = new Map<string, AssetRun>();

  constructor(
    private readonly service: AlertService,
    private readonly options: AlertPolicyOptions,
  ) {}

  /** Champion scores in event-time order per asset; returns the events they cause. */
  observe(scores: readonly AnomalyScore[]): AlertEvent[] {
    const events: AlertEvent[] = [];
    for (const score of scores) {
      if (score.role !== 'CHAMPION') continue;
      const run = this.runs.get(score.assetPath) ?? { anomalous: [], normal: 0 };
      this.runs.set(score.assetPath, run);
      const current = this.service.openFor(score.assetPath);
      if (score.anomalous) {
        run.anomalous.push(score);
        run.normal = 0;
        if (!current && run.anomalous.length >= this.options.openAfterWindows) events.push(this.open(run.anomalous));
        if (run.anomalous.length > this.options.openAfterWindows) run.anomalous.shift();
        continue;
      }
      run.anomalous = [];
      run.normal += 1;
      if (current?.status === 'OPENED' && run.normal >= this.options.autoCloseAfterWindows) {
        events.push(
          this.service.apply({
            alertId: current.alertId,
            action: 'CLOSED',
            by: SYSTEM_ACTOR,
            at: score.windowEnd,
            note: `cleared: ${run.normal} consecutive windows below the threshold and nobody acknowledged the alert`,
          }),
        );
      }
    }
    return events;
  }

  private open(run: readonly AnomalyScore[]): AlertEvent {
    const first = run[0]!;
    const last = run.at(-1)!;
    const worst = run.reduce((a, b) => (b.score > a.score ? b : a));
    return this.service.open({
      assetPath: last.assetPath,
      assetClass: last.assetClass,
      onset: first.windowStart,
      at: last.windowEnd,
      by: SYSTEM_ACTOR,
      score: worst.score,
      threshold: last.threshold,
      modelName: last.modelName,
      modelVersion: last.modelVersion,
      contributors: worst.contributors.map((c) => c.feature),
      note: `score ${worst.score.toFixed(2)} above ${last.threshold.toFixed(2)} for ${run.length} consecutive windows; top: ${worst.contributors.map((c) => `${c.feature} ${c.value.toFixed(2)} (normal ${c.expected.toFixed(2)})`).join(', ')}`,
    });
  }
}
