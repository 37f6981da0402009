import { formatProblems, type Problem } from '@fieldmesh/config';

/** A reading broke the clean contract's schema or quality rules after cleaning; it goes to the DLQ. */
export class CleanContractViolated extends Error {
  override readonly name = 'CleanContractViolated';
  constructor(
    readonly reading: { gatewayId: string; sequenceNumber: number; assetPath: string; signal: string },
    readonly problems: Problem[],
  ) {
    super(
      `Reading ${reading.gatewayId}/${reading.sequenceNumber} (${reading.assetPath} ${reading.signal}) breaks the clean contract:\n` +
        `${formatProblems(problems)}\nFix the source or the rule in contracts/plant-telemetry/clean.yaml, then replay the reading from the DLQ.`,
    );
  }
}

/** A reading arrived later than the contract's allowed lateness and the contract dead-letters such readings. */
export class ReadingLate extends Error {
  override readonly name = 'ReadingLate';
  constructor(
    readonly reading: { gatewayId: string; sequenceNumber: number; assetPath: string; signal: string; readingTime: number },
    readonly allowedLatenessMs: number,
  ) {
    super(
      `Reading ${reading.gatewayId}/${reading.sequenceNumber} (${reading.assetPath} ${reading.signal}) at ${new Date(reading.readingTime).toISOString()} ` +
        `is older than the newest reading of its series by more than the allowed lateness (${allowedLatenessMs} ms). ` +
        'Raise processing.allowedLateness in the contract or set lateReadings: flag to keep late readings.',
    );
  }
}

/** A reading's time is further ahead of the pipeline's clock than the clean contract's timeliness.maxClockSkew: its source clock is wrong. */
export class ReadingBeyondClockSkew extends Error {
  override readonly name = 'ReadingBeyondClockSkew';
  constructor(
    readonly reading: { gatewayId: string; sequenceNumber: number; assetPath: string; signal: string; readingTime: number },
    readonly clockMs: number,
    readonly maxClockSkewMs: number,
  ) {
    super(
      `Reading ${reading.gatewayId}/${reading.sequenceNumber} (${reading.assetPath} ${reading.signal}) has readingTime ${isoOrRaw(reading.readingTime)}, ` +
        `${reading.readingTime - clockMs} ms ahead of the pipeline clock (${isoOrRaw(clockMs)}), beyond timeliness.maxClockSkew of ${maxClockSkewMs} ms. ` +
        "Fix the device's clock, then replay the reading from the DLQ.",
    );
  }
}

function isoOrRaw(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

/** The contract a pipeline runs from lacks what the pipeline needs (e.g. the processing section). */
export class ContractIncomplete extends Error {
  override readonly name = 'ContractIncomplete';
  constructor(
    readonly contractId: string,
    readonly missing: string,
  ) {
    super(`Contract ${contractId} has no ${missing}, which its pipeline reads. Add it to the contract (see contracts/plant-telemetry/clean.yaml).`);
  }
}

/** A raw.v2 batch holds a reading that does not expand into a raw.v1 reading; the batch goes to the DLQ. */
export class ReadingBatchInvalid extends Error {
  override readonly name = 'ReadingBatchInvalid';
  constructor(
    readonly gatewayId: string,
    readonly sequenceNumber: number,
    readonly field: string,
    readonly problem: string,
  ) {
    super(
      `Reading ${gatewayId}/${sequenceNumber} of a plant.telemetry.raw.v2 batch cannot be expanded: its ${field} ${problem}. ` +
        'The gateway that wrote it does not follow schemas/plant-telemetry/RawReadingBatch.avsc: fix it, then replay the batch from the DLQ.',
    );
  }
}
