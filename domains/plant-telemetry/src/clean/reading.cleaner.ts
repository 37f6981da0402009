import { durationToMs, type LoadedContract, maxClockSkewMsOf, validateRecord } from '@fieldmesh/governance';
import { CleanContractViolated, ContractIncomplete, ReadingBeyondClockSkew, ReadingLate } from '../errors';
import { type Arrival, ArrivalTracker } from './arrival.tracker';
import { DedupeMemory } from './dedupe.memory';
import { normaliseUnit } from './unit.normaliser';

/** A plant.telemetry.raw.v1 value as the serde decodes it (longs as bigint, timestamps as Date). */
export interface RawReading {
  readingTime: Date | number;
  receivedTime: Date | number;
  gatewayId: string;
  sequenceNumber: bigint | number;
  deviceId: string;
  assetPath: string;
  signal: string;
  value: number | null;
  valueText: string | null;
  unit: string;
  quality: string;
  qualityCode: bigint | number | null;
  sourceProtocol: string;
  sourceAddress: string;
  isHistorical: boolean;
  operatorBadge: string | null;
  attributes: Record<string, string>;
}

/** A plant.telemetry.clean.v1 value, with plain numbers so it validates and encodes as it is. */
export interface CleanReading {
  readingTime: number;
  receivedTime: number;
  gatewayId: string;
  sequenceNumber: number;
  deviceId: string;
  assetPath: string;
  signal: string;
  value: number | null;
  valueText: string | null;
  unit: string;
  sourceUnit: string;
  quality: string;
  qualityCode: number | null;
  sourceProtocol: string;
  sourceAddress: string;
  isHistorical: boolean;
  arrival: Arrival;
  operatorBadge: string | null;
  attributes: Record<string, string>;
}

export type CleanOutcome =
  { kind: 'clean'; reading: CleanReading } | { kind: 'duplicate' } | { kind: 'rejected'; error: CleanContractViolated | ReadingLate | ReadingBeyondClockSkew };

export interface CleanerStats {
  clean: number;
  duplicates: number;
  /** Passed on because their (gateway, sequence) was older than the deduplication horizon. */
  beyondDedupeHorizon: number;
  converted: number;
  outOfOrder: number;
  late: number;
  /** Stamped beyond the contract's maximum clock skew: rejected before they touch the dedupe memory or arrival order. */
  beyondClockSkew: number;
  rejected: number;
}

const toMs = (time: Date | number): number => (time instanceof Date ? time.getTime() : time);
const toNumber = (n: bigint | number): number => (typeof n === 'bigint' ? Number(n) : n);

/**
 * The clean product's rules, read from its contract: readings stamped beyond the maximum clock skew
 * rejected, duplicates removed by the deduplication key within
 * its horizon, values converted to canonical units, arrival order classified against the allowed
 * lateness (late readings flagged or rejected as the contract says), and the contract's schema and
 * quality rules checked on the result. Pure logic: no Kafka, so it is tested record by record.
 */
export class ReadingCleaner {
  private readonly dedupe: DedupeMemory;
  private readonly arrivals: ArrivalTracker;
  private readonly allowedLatenessMs: number;
  private readonly lateReadings: 'flag' | 'dlq';
  private readonly maxClockSkewMs: number;
  private readonly clock: () => number;
  private readonly counts: CleanerStats = { clean: 0, duplicates: 0, beyondDedupeHorizon: 0, converted: 0, outOfOrder: 0, late: 0, beyondClockSkew: 0, rejected: 0 };

  constructor(
    private readonly contract: LoadedContract,
    options: { maxDedupeChunks?: number; clock?: () => number } = {},
  ) {
    const { processing, id } = contract.contract;
    if (!processing) throw new ContractIncomplete(id, 'processing section');
    if (!processing.deduplication) throw new ContractIncomplete(id, 'processing.deduplication');
    this.allowedLatenessMs = durationToMs(processing.allowedLateness);
    this.lateReadings = processing.lateReadings;
    this.dedupe = new DedupeMemory({ horizonMs: durationToMs(processing.deduplication.horizon), maxChunks: options.maxDedupeChunks });
    this.arrivals = new ArrivalTracker(this.allowedLatenessMs);
    this.maxClockSkewMs = maxClockSkewMsOf(contract.contract);
    this.clock = options.clock ?? Date.now;
  }

  clean(raw: RawReading): CleanOutcome {
    const readingTime = toMs(raw.readingTime);
    const sequenceNumber = toNumber(raw.sequenceNumber);
    // A wrong clock ten years ahead would make every later reading of its series LATE and expire the whole
    // dedupe memory: it is rejected before it reaches either.
    const now = this.clock();
    if (!(readingTime <= now + this.maxClockSkewMs)) {
      this.counts.beyondClockSkew += 1;
      return this.reject(
        new ReadingBeyondClockSkew({ gatewayId: raw.gatewayId, sequenceNumber, assetPath: raw.assetPath, signal: raw.signal, readingTime }, now, this.maxClockSkewMs),
      );
    }
    const verdict = this.dedupe.check(raw.gatewayId, sequenceNumber, readingTime);
    if (verdict === 'duplicate') {
      this.counts.duplicates += 1;
      return { kind: 'duplicate' };
    }
    if (verdict === 'beyond-horizon') this.counts.beyondDedupeHorizon += 1;
    const identity = { gatewayId: raw.gatewayId, sequenceNumber, assetPath: raw.assetPath, signal: raw.signal, readingTime };
    const arrival = this.arrivals.classify(raw.assetPath, raw.signal, readingTime);
    if (arrival === 'OUT_OF_ORDER') this.counts.outOfOrder += 1;
    if (arrival === 'LATE') {
      this.counts.late += 1;
      if (this.lateReadings === 'dlq') return this.reject(new ReadingLate(identity, this.allowedLatenessMs));
    }
    const { value, unit } = normaliseUnit(raw.value, raw.unit);
    const reading: CleanReading = {
      readingTime,
      receivedTime: toMs(raw.receivedTime),
      gatewayId: raw.gatewayId,
      sequenceNumber,
      deviceId: raw.deviceId,
      assetPath: raw.assetPath,
      signal: raw.signal,
      value,
      valueText: raw.valueText,
      unit,
      sourceUnit: raw.unit,
      quality: raw.quality,
      qualityCode: raw.qualityCode === null ? null : toNumber(raw.qualityCode),
      sourceProtocol: raw.sourceProtocol,
      sourceAddress: raw.sourceAddress,
      isHistorical: raw.isHistorical,
      arrival,
      operatorBadge: raw.operatorBadge,
      attributes: raw.attributes,
    };
    const problems = validateRecord(this.contract, reading as unknown as Record<string, unknown>);
    if (problems.length > 0) return this.reject(new CleanContractViolated(identity, problems));
    this.arrivals.accept(raw.assetPath, raw.signal, readingTime);
    if (unit !== raw.unit) this.counts.converted += 1;
    this.counts.clean += 1;
    return { kind: 'clean', reading };
  }

  /**
   * Lets a (gateway, sequence) pass again: for input records the runtime delivers a second time because
   * their first outputs were never acknowledged, which must not count as duplicates.
   */
  forget(gatewayId: string, sequenceNumber: number): void {
    this.dedupe.forget(gatewayId, sequenceNumber);
  }

  stats(): CleanerStats & { dedupeMemory: { gateways: number; chunks: number } } {
    return { ...this.counts, dedupeMemory: this.dedupe.size() };
  }

  private reject(error: CleanContractViolated | ReadingLate | ReadingBeyondClockSkew): CleanOutcome {
    this.counts.rejected += 1;
    return { kind: 'rejected', error };
  }
}
