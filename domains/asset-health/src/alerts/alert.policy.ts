import { partitionKey, type PartitionOffset, type ReplayableState, type StateCheckpoint } from '@fieldmesh/streams';
import type { AnomalyScore } from '../anomaly-scores/anomaly-score';
import { SYSTEM_ACTOR, type AlertEvent } from './alert-event';
import type { AlertService } from './alert.service';

export interface AlertPolicyOptions {
  /** Consecutive anomalous windows that open an alert: one window is noise, a run is a condition. */
  openAfterWindows: number;
  /** Consecutive normal windows after which an alert nobody acknowledged is closed by the operator. */
  autoCloseAfterWindows: number;
}

/** A score and the input record (a feature window) it was computed from, when it came from a topic. */
interface Observed {
  score: AnomalyScore;
  at: PartitionOffset | undefined;
}

interface AssetRun {
  /** The latest consecutive anomalous windows, at most openAfterWindows (the alert's onset is the first). */
  anomalous: Observed[];
  normal: number;
  /** The first window of the current normal streak, while the streak can still close an alert. */
  normalSince: PartitionOffset | undefined;
}

/**
 * Turns champion scores into alert events: an alert opens when an asset's score stays above its
 * threshold for `openAfterWindows` consecutive scored windows (the onset is the first of them), and an
 * alert still OPENED (nobody took it) closes itself after `autoCloseAfterWindows` normal windows. Windows
 * a model does not cover neither extend nor break a run. An asset with an alert in progress gets no
 * second one.
 *
 * The runs are a ReplayableState of the operator's job: the runtime commits each input partition only
 * below the oldest feature window a run of one of its assets still holds, so an instance that takes the
 * partition over (a kill -9, a rebalance, a restart) replays those windows and rebuilds the runs as they
 * were. Replayed windows (below where the job had read, `isReplay`) only rebuild runs: their scores and
 * alert events were written before. A run holds at most max(openAfterWindows, autoCloseAfterWindows)
 * windows of its asset, so the replay is bounded; an asset with no run in progress holds nothing.
 * Alerts themselves (which asset has one in progress, and its status) come from the alerts topic.
 */
export class AlertPolicy implements ReplayableState {
  readonly name = 'asset-health-alert-runs';
  private readonly runs = new Map<string, AssetRun>();
  /** After a restore: per partition, the next offset the job had not read yet (records below were handled). */
  private readUntil: ReadonlyMap<string, bigint> = new Map();
  private replayedWindows = 0;
  private restored = false;

  constructor(
    private readonly service: AlertService,
    private readonly options: AlertPolicyOptions,
  ) {}

  /**
   * Champion scores in event-time order per asset; returns the events they cause. `positionOf` says which
   * input record each score was computed from (a stream job): scores of replayed records rebuild runs only.
   */
  observe(scores: readonly AnomalyScore[], positionOf: (score: AnomalyScore) => PartitionOffset | undefined = () => undefined): AlertEvent[] {
    const events: AlertEvent[] = [];
    for (const score of scores) {
      if (score.role !== 'CHAMPION') continue;
      const at = positionOf(score);
      const live = !(at && this.isReplay(at));
      if (!live) this.replayedWindows += 1;
      const current = this.service.openFor(score.assetPath);
      let run = this.runs.get(score.assetPath);
      if (score.anomalous) {
        run ??= this.startRun(score.assetPath);
        run.anomalous.push({ score, at });
        run.normal = 0;
        run.normalSince = undefined;
        if (live && !current && run.anomalous.length >= this.options.openAfterWindows) events.push(this.open(run.anomalous.map((o) => o.score)));
        if (run.anomalous.length > this.options.openAfterWindows) run.anomalous.shift();
        continue;
      }
      // A normal window matters only to an alert that may still close itself.
      if (!run) {
        if (current?.status !== 'OPENED') continue;
        run = this.startRun(score.assetPath);
      }
      run.anomalous = [];
      run.normal += 1;
      run.normalSince ??= at;
      if (live && current?.status === 'OPENED' && run.normal >= this.options.autoCloseAfterWindows) {
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
      // Long enough to have closed what it could: the run is over and holds nothing.
      if (run.normal >= this.options.autoCloseAfterWindows) this.runs.delete(score.assetPath);
    }
    return events;
  }

  /** A record the job had read before its last restore: its outputs were written then. */
  isReplay(at: PartitionOffset): boolean {
    const until = this.readUntil.get(partitionKey(at.topic, at.partition));
    return until !== undefined && at.offset < until;
  }

  /** Assets with a run in progress, for stats and tests. */
  runsInProgress(): number {
    return this.runs.size;
  }

  heldOffsets(): Iterable<PartitionOffset> {
    const lowest = new Map<string, PartitionOffset>();
    for (const run of this.runs.values()) {
      const since = run.anomalous[0]?.at ?? run.normalSince;
      if (!since) continue;
      const at = partitionKey(since.topic, since.partition);
      const known = lowest.get(at);
      if (!known || since.offset < known.offset) lowest.set(at, since);
    }
    return lowest.values();
  }

  /** Runs follow each asset's windows, not a shared event time. */
  watermark(): number {
    return Number.NEGATIVE_INFINITY;
  }

  restore(checkpoint: StateCheckpoint): void {
    this.runs.clear();
    this.readUntil = checkpoint.readUntil;
    this.restored = true;
  }

  /** Whether the runs were restored since the last call: partitions may have moved here, with alerts written just before. */
  takeRestored(): boolean {
    const restored = this.restored;
    this.restored = false;
    return restored;
  }

  recordsOwingNoOutput(): number {
    return this.replayedWindows;
  }

  private startRun(assetPath: string): AssetRun {
    const run: AssetRun = { anomalous: [], normal: 0, normalSince: undefined };
    this.runs.set(assetPath, run);
    return run;
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
