import type { StreamRecord } from '@fieldmesh/streams';
import type { AssetFeatures } from '../features/asset-features';
import type { WindowSpec } from '../features/features.contract';
import { FeaturesPipeline, type CleanReadingFields } from '../features/features.pipeline';
import { readRecording, type RecordingMapping } from './recording.reader';

export interface RecordingSpan {
  firstMs: number;
  lastMs: number;
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
): Promise<RecordingSpan> {
  const pipeline = new FeaturesPipeline({ ...spec, assetClassOf, outputTopic: 'recording.features' });
  let offset = 0;
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  for await (const readings of readRecording(csv, mapping)) {
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
      firstMs = Math.min(firstMs, reading.timeMs);
      lastMs = Math.max(lastMs, reading.timeMs);
    }
    const closed = pipeline.add(records);
    if (closed.length > 0) await onWindows(closed);
  }
  const rest = pipeline.flush();
  if (rest.length > 0) await onWindows(rest);
  return { firstMs, lastMs, lateReadings: pipeline.stats().lateReadings };
}
