import type { AssetFeatures } from '../features/asset-features';
import { FeatureWindows } from '../features/feature.windows';
import type { WindowSpec } from '../features/features.contract';
import { readRecording, type RecordingMapping } from './recording.reader';

/**
 * Runs a recording through the features pipeline's windowing, calling `onWindows` with the windows each
 * row closes, in event-time order; the remaining windows are flushed at the end.
 */
export async function featuresOfRecording(
  csv: string,
  mapping: RecordingMapping,
  spec: WindowSpec,
  assetClassOf: (assetPath: string) => string,
  onWindows: (windows: AssetFeatures[]) => Promise<void> | void,
): Promise<{ lateReadings: number }> {
  const windows = new FeatureWindows({ ...spec, assetClassOf });
  for await (const readings of readRecording(csv, mapping)) {
    const closed = windows.add(readings);
    if (closed.length > 0) await onWindows(closed);
  }
  const rest = windows.flush();
  if (rest.length > 0) await onWindows(rest);
  return { lateReadings: windows.lateReadings };
}
