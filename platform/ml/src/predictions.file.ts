import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { PredictionsInvalid } from './errors';
import type { PointPrediction } from './evaluation';

/** A point prediction with what produced it, one row of a predictions CSV. */
export interface PredictionRow extends PointPrediction {
  /** The failure mode labelled at this timestamp ('' in normal operation). */
  label: string;
  /** The score of the window the timestamp fell in; undefined when no model scored it. */
  score?: number;
  threshold?: number;
}

/** Header of the per-timestamp predictions CSV the backtest writes and `fieldmesh models evaluate` reads. */
export const PREDICTION_COLUMNS = ['timestamp', 'assetPath', 'label', 'anomaly', 'predicted', 'score', 'threshold'] as const;

export function formatPredictionRow(row: PredictionRow): string {
  return [new Date(row.timeMs).toISOString(), row.assetPath, row.label, row.anomaly ? 1 : 0, row.predicted ? 1 : 0, row.score ?? '', row.threshold ?? ''].join(',');
}

/** Reads a predictions CSV (header PREDICTION_COLUMNS, timestamps ISO 8601 with a zone). */
export async function readPredictions(file: string): Promise<PointPrediction[]> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  const points: PointPrediction[] = [];
  let index: Record<string, number> | undefined;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line === '') continue;
    const cells = line.split(',');
    if (!index) {
      const missing = ['timestamp', 'assetPath', 'anomaly', 'predicted'].filter((name) => !cells.includes(name));
      if (missing.length > 0) throw new PredictionsInvalid(file, lineNumber, `the header lacks ${missing.join(', ')}`);
      index = Object.fromEntries(cells.map((name, i) => [name, i]));
      continue;
    }
    const timeMs = Date.parse(cells[index.timestamp!] ?? '');
    if (!Number.isFinite(timeMs)) throw new PredictionsInvalid(file, lineNumber, `timestamp '${cells[index.timestamp!]}' is not ISO 8601`);
    points.push({ assetPath: cells[index.assetPath!]!, timeMs, anomaly: cells[index.anomaly!] === '1', predicted: cells[index.predicted!] === '1' });
  }
  if (!index) throw new PredictionsInvalid(file, 0, 'the file is empty');
  return points;
}
