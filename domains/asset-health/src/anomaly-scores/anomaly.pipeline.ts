import type { StreamOutput, StreamRecord } from '@fieldmesh/streams';
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
}

/**
 * Feature windows → scores (champion and shadow) → alert events. The Nest handler and the backtest both
 * call `process`, so a backtest measures exactly what runs.
 */
export class AnomalyPipeline {
  private readonly counters: AnomalyPipelineStats = { windows: 0, scores: 0, anomalous: 0, alertsOpened: 0, alertsClosed: 0 };

  constructor(
    readonly operator: AnomalyOperator,
    private readonly policy: AlertPolicy,
    readonly topics: AnomalyPipelineTopics,
  ) {}

  async process(windows: readonly AssetFeatures[]): Promise<{ scores: AnomalyScore[]; alerts: AlertEvent[] }> {
    const { champion, shadow } = await this.operator.score(windows);
    const alerts = this.policy.observe(champion);
    this.counters.windows += windows.length;
    this.counters.scores += champion.length + shadow.length;
    this.counters.anomalous += champion.filter((score) => score.anomalous).length;
    this.counters.alertsOpened += alerts.filter((event) => event.type === 'OPENED').length;
    this.counters.alertsClosed += alerts.filter((event) => event.type === 'CLOSED').length;
    return { scores: [...champion, ...shadow], alerts };
  }

  /** The stream handler: features records in; score and alert records out, keyed by asset. */
  readonly handle = async (records: StreamRecord<unknown>[]): Promise<StreamOutput[]> => {
    const windows = records.filter((record) => record.value !== null).map((record) => record.value as AssetFeatures);
    const { scores, alerts } = await this.process(windows);
    return [
      ...scores.map((score) => ({ topic: this.topics.scores, key: score.assetPath, value: score, timestamp: score.windowEnd.getTime() })),
      ...alerts.map((event) => alertOutput(this.topics.alerts, event)),
    ];
  };

  stats(): AnomalyPipelineStats {
    return { ...this.counters };
  }
}

/** An alert event as a record of the alerts topic, keyed by asset: what the operator emits and what a person's step produces. */
export function alertOutput(topic: string, event: AlertEvent): StreamOutput {
  return { topic, key: event.assetPath, value: event, timestamp: event.at.getTime() };
}
