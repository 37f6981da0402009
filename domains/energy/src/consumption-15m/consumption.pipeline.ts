import { durationToMs, type LoadedContract } from '@fieldmesh/governance';
import { RecordFailed, type ReplayableState, type StreamOutput, type StreamRecord, TumblingWindows, type WindowResult } from '@fieldmesh/streams';
import { ContractIncomplete, PowerReadingLate, PowerReadingUnusable } from '../errors';
import { type AssetWindow, rollUp } from './consumption.rollup';
import { mergeByEventTime } from './event-time.merge';
import { integratePower, type PowerSample, type WindowEnergy } from './power.integrator';
import { TariffCalendar } from './tariff.calendar';
import type { TariffConfig } from './tariff.config';

/** The fields of a plant.telemetry.clean.v1 value this pipeline reads (decoded: timestamps as Date). */
export interface CleanPowerReading {
  readingTime: Date | number;
  assetPath: string;
  signal: string;
  value: number | null;
  unit: string;
  quality: string;
}

export interface ConsumptionPipelineOptions {
  tariffs: TariffConfig;
  /** Longest gap between power readings that is still integrated. Default 60 s. */
  maxGapMs?: number;
  /** The clean contract's timeliness.maxClockSkew: readings stamped further ahead of the clock are quarantined. */
  maxClockSkewMs?: number;
  /** Processing clock (epoch ms); default Date.now. */
  clock?: () => number;
  /** Topics other than the contract's (its upstream and its own): for tests and side-by-side runs. */
  inputTopic?: string;
  outputTopic?: string;
}

export interface ConsumptionPipelineStats {
  powerReadings: number;
  /** BAD-quality power readings: their value is not trusted, so they are a gap, not energy. */
  badQuality: number;
  /** Clean readings of other signals, ignored. */
  otherSignals: number;
  late: number;
  /** Power readings stamped beyond the maximum clock skew: dead-lettered, in no window. */
  quarantined: number;
  rowsEmitted: number;
  openWindows: number;
  watermark: number;
}

const POWER = 'power';
const toMs = (time: Date | number): number => (time instanceof Date ? time.getTime() : time);

/**
 * plant.telemetry.clean.v1 → energy.consumption-15m.v1: power readings per asset in tumbling event-time
 * windows (size and lateness from the contract), integrated to kWh when the watermark closes a window,
 * then summed per line and site and priced by the site's tariff. A window's rows depend only on its
 * readings, so a replay re-emits identical rows (consumers deduplicate on level, scopePath, windowStart).
 *
 * One watermark for all assets: run one instance per consumer group, so that a line's assets close
 * their windows together and its rollup is complete.
 */
export class ConsumptionPipeline {
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly outputSchema: object;
  readonly windows: TumblingWindows<string, PowerSample[], WindowEnergy, CleanPowerReading>;
  private readonly calendar: TariffCalendar;
  private readonly allowedLatenessMs: number;
  private late: Array<{ record: StreamRecord<CleanPowerReading>; error: PowerReadingLate }> = [];
  private readonly counts = { powerReadings: 0, badQuality: 0, otherSignals: 0, late: 0, rowsEmitted: 0 };

  constructor(contract: LoadedContract, options: ConsumptionPipelineOptions) {
    const { id, processing, upstream, kafka } = contract.contract;
    if (!processing?.window) throw new ContractIncomplete(id, 'processing.window');
    const input = options.inputTopic ?? upstream[0];
    if (!input) throw new ContractIncomplete(id, 'upstream product (the clean telemetry topic)');
    this.inputTopic = input;
    this.outputTopic = options.outputTopic ?? kafka.topic;
    this.outputSchema = contract.avroSchema;
    this.calendar = new TariffCalendar(options.tariffs);
    this.allowedLatenessMs = durationToMs(processing.allowedLateness);
    const maxGapMs = options.maxGapMs ?? 60_000;
    this.windows = new TumblingWindows({
      name: 'energy-consumption-15m',
      sizeMs: durationToMs(processing.window.size),
      allowedLatenessMs: this.allowedLatenessMs,
      keyOf: (record) => record.value.assetPath,
      eventTimeOf: (record) => toMs(record.value.readingTime),
      init: (): PowerSample[] => [],
      add: (samples, record) => {
        samples.push({ time: toMs(record.value.readingTime), kw: record.value.value as number });
        return samples;
      },
      result: (samples, window) => integratePower(samples, window.start, window.end, maxGapMs),
      onLate: (record, window) => {
        this.counts.late += 1;
        this.late.push({ record, error: new PowerReadingLate(record.value.assetPath, toMs(record.value.readingTime), window, this.allowedLatenessMs) });
      },
      ...(options.maxClockSkewMs === undefined ? {} : { maxClockSkewMs: options.maxClockSkewMs }),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  /** The state the runtime must know about: it commits only below the oldest reading an open window holds. */
  get state(): ReplayableState[] {
    return [this.windows];
  }

  readonly handle = async (records: StreamRecord<unknown>[]): Promise<Array<StreamOutput | RecordFailed>> => {
    const results: Array<StreamOutput | RecordFailed> = [];
    const closed: Array<WindowResult<string, WindowEnergy>> = [];
    this.late = [];
    const ordered = mergeByEventTime(records as Array<StreamRecord<CleanPowerReading | null>>, (r) => (r.value ? toMs(r.value.readingTime) : 0));
    for (const record of ordered) {
      const reading = record.value;
      if (reading === null) {
        results.push(new RecordFailed(record, new Error('a tombstone (record without value) on a telemetry topic; producers must not send them')));
        continue;
      }
      if (reading.signal !== POWER) {
        this.counts.otherSignals += 1;
        continue;
      }
      if (reading.quality === 'BAD') {
        this.counts.badQuality += 1;
        continue;
      }
      if (reading.unit !== 'kW' || reading.value === null) {
        results.push(new RecordFailed(record, new PowerReadingUnusable(reading.assetPath, reading.value === null ? 'it has no value' : `its unit is ${reading.unit}, not kW`)));
        continue;
      }
      this.counts.powerReadings += 1;
      closed.push(...this.windows.add(record as StreamRecord<CleanPowerReading>));
    }
    for (const { record, error } of this.late) results.push(new RecordFailed(record, error));
    results.push(...this.windows.takeQuarantined());
    const assetWindows: AssetWindow[] = closed.map((w) => ({ assetPath: w.key, start: w.start, end: w.end, energy: w.value }));
    for (const row of rollUp(assetWindows, this.calendar)) {
      results.push({ topic: this.outputTopic, key: row.scopePath, value: row });
      this.counts.rowsEmitted += 1;
    }
    return results;
  };

  stats(): ConsumptionPipelineStats {
    const windows = this.windows.stats();
    return { ...this.counts, quarantined: windows.quarantinedRecords, openWindows: windows.openWindows, watermark: windows.watermark };
  }
}
