/** The governed registry refused to record a repository contract as an approved baseline, so governance cannot start. */
export class BaselineRefused extends Error {
  override readonly name = 'BaselineRefused';
  constructor(
    readonly contractId: string,
    readonly version: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(
      `The governed registry refused to baseline contract ${contractId} version ${version} (HTTP ${status}: ${reason}). ` +
        'The audit log already holds this version in another state or with another schema: bump the version in the contract ' +
        "(or propose it with 'fieldmesh contracts propose'), or start with a fresh audit topic.",
    );
  }
}

/** The people given to the governed registry include no governance lead, so nobody may baseline the contracts. */
export class NoGovernanceLead extends Error {
  override readonly name = 'NoGovernanceLead';
  constructor(readonly people: string[]) {
    super(
      `None of the people given to the governed registry (${people.join(', ') || 'none'}) has the role governance-lead, ` +
        'and only a governance lead may baseline the repository contracts: add one.',
    );
  }
}

/** A watermark reset named a consumer group that is not one of the windowed jobs'. */
export class UnknownWindowedJob extends Error {
  override readonly name = 'UnknownWindowedJob';
  constructor(
    readonly group: string,
    readonly known: readonly string[],
  ) {
    super(`${group} is not the consumer group of a windowed job, so it has no watermarks to reset. Name one of ${known.join(', ')}, or none to reset them all.`);
  }
}

/** A scheduled failure episode has no outcome in the backtest: the recording scored is not the one the schedule made. */
export class CoverageEpisodeUnlabelled extends Error {
  override readonly name = 'CoverageEpisodeUnlabelled';
  constructor(
    readonly mode: string,
    readonly asset: string,
    readonly startMs: number,
  ) {
    super(
      `The backtest has no outcome for the ${mode} episode on ${asset} starting ${new Date(startMs).toISOString()}, which the coverage schedule put there: ` +
        'the recording or its labels are not the ones this schedule wrote. Record again with the same options (npm run bench:failure-modes does both).',
    );
  }
}
