import type { StreamRecord } from '@fieldmesh/streams';
import type { AssetFeatures } from '../features/asset-features';
import type { NumericReading } from '../features/asset-window';
import type { WindowSpec } from '../features/features.contract';
import { FeaturesPipeline, type CleanReadingFields } from '../features/features.pipeline';
import { readRecording, type RecordingMapping } from './recording.reader';

export interface TimeSpan {
  firstMs: number;
  lastMs: number;
}

export interface RecordingSpan extends TimeSpan {
  /** Each asset's own first and last reading: assets of a recording need not run for all of it. */
  assets: Map<string, TimeSpan>;
  lateReadings: number;
}

/**
 * Runs a recording through the features pipeline (the one the stream job runs), calling `onWindows` with
 * the windows each row closes, in event-time order; the remaining windows are flushed at the end.
 */
export async function featuresOfRecording(
  csv: string,
  mapping: RecordingMapping,
  spec: WindowSpec,
  assetClassOf: (assetPath: string) => string,
  onWindows: (windows: AssetFeatures[]) => Promise<void> | void,
  onReadings?: (readings: readonly NumericReading[]) => void,
): Promise<RecordingSpan> {
  const pipeline = new FeaturesPipeline({ ...spec, assetClassOf, outputTopic: 'recording.features' });
  let offset = 0;
  const assets = new Map<string, TimeSpan>();
  for await (const readings of readRecording(csv, mapping)) {
    onReadings?.(readings);
    const records: StreamRecord<CleanReadingFields>[] = readings.map((reading) => ({
      topic: 'recording',
      partition: 0,
      offset: String(offset++),
      key: reading.assetPath,
      value: { assetPath: reading.assetPath, signal: reading.signal, unit: reading.unit, value: reading.value, readingTime: new Date(reading.timeMs), quality: 'GOOD' },
      timestamp: reading.timeMs,
      headers: {},
    }));
    for (const reading of readings) {
      const span = assets.get(reading.assetPath);
      if (!span) assets.set(reading.assetPath, { firstMs: reading.timeMs, lastMs: reading.timeMs });
      else {
        span.firstMs = Math.min(span.firstMs, reading.timeMs);
        span.lastMs = Math.max(span.lastMs, reading.timeMs);
      }
    }
    const closed = pipeline.add(records);
    if (closed.length > 0) await onWindows(closed);
  }
  const rest = pipeline.flush();
  if (rest.length > 0) await onWindows(rest);
  const spans = [...assets.values()];
  return {
    firstMs: Math.min(...spans.map((span) => span.firstMs)),
    lastMs: Math.max(...spans.map((span) => span.lastMs)),
    assets,
    lateReadings: pipeline.stats().lateReadings,
  };
}
