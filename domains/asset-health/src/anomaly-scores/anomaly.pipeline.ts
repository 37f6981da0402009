import type { PartitionOffset, StreamOutput, StreamRecord } from '@fieldmesh/streams';
import type { AlertEvent } from '../alerts/alert-event';
import type { AlertPolicy } from '../alerts/alert.policy';
import type { AssetFeatures } from '../features/asset-features';
import type { AnomalyScore } from './anomaly-score';
import type { AnomalyOperator } from './anomaly.operator';

export interface AnomalyPipelineTopics {
  scores: string;
  alerts: string;
}

export interface AnomalyPipelineStats {
  windows: number;
  scores: number;
  anomalous: number;
  alertsOpened: number;
  alertsClosed: number;
  /** Windows scored again after a restart or a partition moving here, to rebuild alert runs: written before, not again. */
  replayed: number;
  /** Assets whose run of anomalous (or, after an alert, normal) windows is in progress. */
  runsInProgress: number;
}

/**
 * Feature windows → scores (champion and shadow) → alert events. The Nest handler and the backtest both
 * call `process`, so a backtest measures exactly what runs.
 */
export class AnomalyPipeline {
  private readonly counters: Omit<AnomalyPipelineStats, 'runsInProgress'> = { windows: 0, scores: 0, anomalous: 0, alertsOpened: 0, alertsClosed: 0, replayed: 0 };

  constructor(
    readonly operator: AnomalyOperator,
    private readonly policy: AlertPolicy,
    readonly topics: AnomalyPipelineTopics,
    /** Catches the alerts this instance folded up with the alerts topic (AlertFeed); nothing to wait for without one. */
    private readonly alertsCaughtUp: () => Promise<void> = async () => undefined,
  ) {}

  /**
   * Scores the windows and raises the alerts. `positions` (window key → input record, for a stream job)
   * tells replayed windows apart: they only rebuild the policy's runs, and neither their scores nor their
   * alerts come out again.
   */
  async process(windows: readonly AssetFeatures[], positions?: ReadonlyMap<string, PartitionOffset>): Promise<{ scores: AnomalyScore[]; alerts: AlertEvent[] }> {
    const scored = await this.operator.score(windows);
    const positionOf = (score: AnomalyScore) => positions?.get(windowKey(score.assetPath, score.windowStart));
    const alerts = this.policy.observe(scored.champion, positionOf);
    const live = (score: AnomalyScore) => {
      const at = positionOf(score);
      return !(at && this.policy.isReplay(at));
    };
    const champion = scored.champion.filter(live);
    const shadow = scored.shadow.filter(live);
    this.counters.replayed += scored.champion.length - champion.length;
    this.counters.windows += windows.length;
    this.counters.scores += champion.length + shadow.length;
    this.counters.anomalous += champion.filter((score) => score.anomalous).length;
    this.counters.alertsOpened += alerts.filter((event) => event.type === 'OPENED').length;
    this.counters.alertsClosed += alerts.filter((event) => event.type === 'CLOSED').length;
    return { scores: [...champion, ...shadow], alerts };
  }

  /** The stream handler: features records in; score and alert records out, keyed by asset. */
  readonly handle = async (records: StreamRecord<unknown>[]): Promise<StreamOutput[]> => {
    const windows: AssetFeatures[] = [];
    const positions = new Map<string, PartitionOffset>();
    for (const record of records) {
      if (record.value === null) continue;
      const window = record.value as AssetFeatures;
      windows.push(window);
      positions.set(windowKey(window.assetPath, window.windowStart), { topic: record.topic, partition: record.partition, offset: BigInt(record.offset) });
    }
    // Partitions moved here (or the job restarted): decide on alerts only once the previous owner's are folded.
    if (this.policy.takeRestored()) await this.alertsCaughtUp();
    const { scores, alerts } = await this.process(windows, positions);
    return [
      ...scores.map((score) => ({ topic: this.topics.scores, key: score.assetPath, value: score, timestamp: score.windowEnd.getTime() })),
      ...alerts.map((event) => alertOutput(this.topics.alerts, event)),
    ];
  };

  stats(): AnomalyPipelineStats {
    return { ...this.counters, runsInProgress: this.policy.runsInProgress() };
  }
}

/** One asset's window: its features record and its scores share it (a features window is written once). */
function windowKey(assetPath: string, windowStart: Date): string {
  return `${assetPath}\u0000${windowStart.getTime()}`;
}

/** An alert event as a record of the alerts topic, keyed by asset: what the operator emits and what a person's step produces. */
export function alertOutput(topic: string, event: AlertEvent): StreamOutput {
  return { topic, key: event.assetPath, value: event, timestamp: event.at.getTime() };
}
