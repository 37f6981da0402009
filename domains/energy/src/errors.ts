/** A power reading arrived after its window was emitted; the contract dead-letters such readings. */
export class PowerReadingLate extends Error {
  override readonly name = 'PowerReadingLate';
  constructor(
    readonly assetPath: string,
    readonly readingTime: number,
    readonly window: { start: number; end: number },
    readonly allowedLatenessMs: number,
  ) {
    super(
      `Power reading of ${assetPath} at ${new Date(readingTime).toISOString()} arrived after its window ` +
        `[${new Date(window.start).toISOString()}, ${new Date(window.end).toISOString()}) was emitted (allowed lateness ${allowedLatenessMs} ms). ` +
        'It is not in energy.consumption-15m.v1; raise processing.allowedLateness in contracts/energy/consumption-15m.yaml if such delays are normal.',
    );
  }
}

/** A clean power reading the energy pipeline cannot integrate (not in kW, or no value). */
export class PowerReadingUnusable extends Error {
  override readonly name = 'PowerReadingUnusable';
  constructor(
    readonly assetPath: string,
    readonly reason: string,
  ) {
    super(`Power reading of ${assetPath} cannot be integrated: ${reason}. Check the clean contract's unit rules for power.`);
  }
}

/** The contract a pipeline runs from lacks what the pipeline needs (e.g. the window size). */
export class ContractIncomplete extends Error {
  override readonly name = 'ContractIncomplete';
  constructor(
    readonly contractId: string,
    readonly missing: string,
  ) {
    super(`Contract ${contractId} has no ${missing}, which its pipeline reads. Add it to the contract (see contracts/energy/consumption-15m.yaml).`);
  }
}
