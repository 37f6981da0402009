/** One timestamp of one asset: whether a failure was labelled there and whether the model flagged it. */
export interface PointPrediction {
  assetPath: string;
  timeMs: number;
  /** True when a failure (any mode) is labelled at this timestamp. */
  anomaly: boolean;
  predicted: boolean;
}

export interface PointwiseMetrics {
  points: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Share of normal points flagged (FP / (FP + TN)), SKAB's FAR. */
  falseAlarmRate: number;
  /** Share of anomalous points not flagged (FN / (FN + TP)), SKAB's MAR. */
  missedAlarmRate: number;
}

export interface EpisodeMetrics {
  /** Labelled episodes: maximal runs of anomalous points of one asset. */
  episodes: number;
  detected: number;
  /** Predicted alarms: maximal runs of flagged points of one asset. */
  alarms: number;
  /** Alarms that overlap a labelled episode. */
  trueAlarms: number;
  precision: number;
  recall: number;
  /** Seconds from an episode's first point to its first flagged point, over detected episodes. */
  meanDelaySeconds: number | null;
  medianDelaySeconds: number | null;
}

export interface Evaluation {
  assets: number;
  pointwise: PointwiseMetrics;
  episodes: EpisodeMetrics;
}

interface Run {
  startMs: number;
  endMs: number;
}

function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

/** Maximal runs of consecutive points (in time order) where `flag` holds. */
function runs(points: readonly PointPrediction[], flag: (point: PointPrediction) => boolean): Run[] {
  const found: Run[] = [];
  let open: Run | undefined;
  for (const point of points) {
    if (flag(point)) {
      if (open) open.endMs = point.timeMs;
      else open = { startMs: point.timeMs, endMs: point.timeMs };
    } else if (open) {
      found.push(open);
      open = undefined;
    }
  }
  if (open) found.push(open);
  return found;
}

/**
 * Point-wise and episode-wise evaluation of per-timestamp predictions, as the SKAB benchmark scores
 * detectors (point-wise F1, FAR, MAR) plus what a reliability engineer asks: how many failures were caught,
 * how many alarms were real, and how late. Points need not be sorted; each asset is evaluated on its own
 * timeline, so a run or asset recorded at another time never joins another's episode.
 */
export function evaluatePredictions(points: readonly PointPrediction[]): Evaluation {
  const byAsset = new Map<string, PointPrediction[]>();
  const counts = { truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0 };
  for (const point of points) {
    if (point.anomaly && point.predicted) counts.truePositives += 1;
    else if (point.predicted) counts.falsePositives += 1;
    else if (point.anomaly) counts.falseNegatives += 1;
    else counts.trueNegatives += 1;
    const list = byAsset.get(point.assetPath);
    if (list) list.push(point);
    else byAsset.set(point.assetPath, [point]);
  }
  const precision = ratio(counts.truePositives, counts.truePositives + counts.falsePositives);
  const recall = ratio(counts.truePositives, counts.truePositives + counts.falseNegatives);
  const delays: number[] = [];
  const episodeCounts = { episodes: 0, detected: 0, alarms: 0, trueAlarms: 0 };
  for (const assetPoints of byAsset.values()) {
    assetPoints.sort((a, b) => a.timeMs - b.timeMs);
    const episodes = runs(assetPoints, (point) => point.anomaly);
    const alarms = runs(assetPoints, (point) => point.predicted);
    episodeCounts.episodes += episodes.length;
    episodeCounts.alarms += alarms.length;
    episodeCounts.trueAlarms += alarms.filter((alarm) => episodes.some((episode) => alarm.startMs <= episode.endMs && alarm.endMs >= episode.startMs)).length;
    for (const episode of episodes) {
      const first = assetPoints.find((point) => point.predicted && point.timeMs >= episode.startMs && point.timeMs <= episode.endMs);
      if (!first) continue;
      episodeCounts.detected += 1;
      delays.push((first.timeMs - episode.startMs) / 1000);
    }
  }
  delays.sort((a, b) => a - b);
  return {
    assets: byAsset.size,
    pointwise: {
      points: points.length,
      ...counts,
      precision,
      recall,
      f1: ratio(2 * precision * recall, precision + recall),
      falseAlarmRate: ratio(counts.falsePositives, counts.falsePositives + counts.trueNegatives),
      missedAlarmRate: ratio(counts.falseNegatives, counts.falseNegatives + counts.truePositives),
    },
    episodes: {
      ...episodeCounts,
      precision: ratio(episodeCounts.trueAlarms, episodeCounts.alarms),
      recall: ratio(episodeCounts.detected, episodeCounts.episodes),
      meanDelaySeconds: delays.length > 0 ? delays.reduce((sum, d) => sum + d, 0) / delays.length : null,
      medianDelaySeconds: delays.length > 0 ? delays[Math.floor(delays.length / 2)]! : null,
    },
  };
}
