import { RecordFailed, type ReplayableState, type StreamOutput, type StreamRecord, TumblingWindows } from '@fieldmesh/streams';
import type { AssetFeatures } from './asset-features';
import { AssetWindow } from './asset-window';

/** The fields of a clean reading (plant.telemetry.clean.v1) the features use. */
export interface CleanReadingFields {
  assetPath: string;
  signal: string;
  unit: string;
  value: number | null;
  readingTime: Date;
  quality: string;
}

export interface FeaturesPipelineOptions {
  windowMs: number;
  allowedLatenessMs: number;
  assetClassOf: (assetPath: string) => string;
  outputTopic: string;
  /** The clean contract's timeliness.maxClockSkew: readings stamped further ahead of the clock are quarantined. */
  maxClockSkewMs?: number;
  /** Processing clock (epoch ms); default Date.now. */
  clock?: () => number;
}

export interface FeaturesPipelineStats {
  readings: number;
  /** Readings without a numeric value (text signals) or of BAD quality: they describe no process value. */
  skipped: number;
  windows: number;
  /** Readings for a window that had already closed (counted, kept on the clean product). */
  lateReadings: number;
  /** Readings stamped beyond the maximum clock skew: dead-lettered, in no window. */
  quarantined: number;
  openWindows: number;
}

/**
 * Clean readings → one features record per asset and tumbling event-time window. The windows are the
 * stream runtime's, so the job commits only below readings an open window still holds and a restart
 * rebuilds them; the backtest drives the same pipeline from a recording.
 */
export class FeaturesPipeline {
  readonly windows: TumblingWindows<string, AssetWindow, AssetFeatures, CleanReadingFields>;
  private readings = 0;
  private skipped = 0;

  constructor(private readonly options: FeaturesPipelineOptions) {
    this.windows = new TumblingWindows<string, AssetWindow, AssetFeatures, CleanReadingFields>({
      name: 'asset-health-features',
      sizeMs: options.windowMs,
      allowedLatenessMs: options.allowedLatenessMs,
      keyOf: (record) => record.value.assetPath,
      eventTimeOf: (record) => record.value.readingTime.getTime(),
      init: (window) => new AssetWindow(window.key, options.assetClassOf(window.key), window.start, window.end),
      add: (window, record) => {
        const reading = record.value;
        window.add({ assetPath: reading.assetPath, signal: reading.signal, unit: reading.unit, value: reading.value as number, timeMs: reading.readingTime.getTime() });
        return window;
      },
      result: (window) => window.features(),
      ...(options.maxClockSkewMs === undefined ? {} : { maxClockSkewMs: options.maxClockSkewMs }),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  get state(): ReplayableState[] {
    return [this.windows];
  }

  /** Adds readings in batch order and returns the features of the windows they closed. */
  add(records: readonly StreamRecord<CleanReadingFields>[]): AssetFeatures[] {
    const closed: AssetFeatures[] = [];
    for (const record of records) {
      this.readings += 1;
      if (record.value.value === null || !Number.isFinite(record.value.value) || record.value.quality === 'BAD') {
        this.skipped += 1;
        continue;
      }
      for (const window of this.windows.add(record)) closed.push(window.value);
    }
    return closed;
  }

  /** Closes every open window: the end of a bounded input such as a recording. */
  flush(): AssetFeatures[] {
    return this.windows.flush().map((window) => window.value);
  }

  /** The stream handler: clean readings in, features records out (keyed by asset). */
  readonly handle = async (records: StreamRecord<unknown>[]): Promise<Array<StreamOutput | RecordFailed>> => {
    const tombstones = records.filter((record) => record.value === null);
    const readings = records.filter((record) => record.value !== null) as StreamRecord<CleanReadingFields>[];
    return [
      ...tombstones.map((record) => new RecordFailed(record, new Error('a tombstone (record without value) on a telemetry topic; producers must not send them'))),
      ...this.add(readings).map((features) => this.output(features)),
      ...this.windows.takeQuarantined(),
    ];
  };

  output(features: AssetFeatures): StreamOutput {
    return { topic: this.options.outputTopic, key: features.assetPath, value: features, timestamp: features.windowEnd.getTime() };
  }

  stats(): FeaturesPipelineStats {
    const windows = this.windows.stats();
    return {
      readings: this.readings,
      skipped: this.skipped,
      windows: windows.closedWindows,
      lateReadings: windows.lateRecords,
      quarantined: windows.quarantinedRecords,
      openWindows: windows.openWindows,
    };
  }
}
