/** The registry's contracts API refused a request (its `{error_code, message}` body) or could not be reached. */
export class ContractsApiFailed extends Error {
  override readonly name = 'ContractsApiFailed';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly errorCode: number | undefined,
    readonly registryMessage: string,
    options?: { cause: unknown },
  ) {
    super(
      status === undefined
        ? `Cannot reach the registry: ${method} ${url} failed (${registryMessage}). Check --registry / FIELDMESH_REGISTRY_URL and that the registry runs.`
        : `${registryMessage} (HTTP ${status}${errorCode === undefined ? '' : `, error_code ${errorCode}`}, ${method} ${url})`,
      options,
    );
  }
}

/** A contract file cannot be used: its schema ref resolves from none of its parent directories. */
export class ContractSchemaNotFound extends Error {
  override readonly name = 'ContractSchemaNotFound';
  constructor(
    readonly file: string,
    readonly ref: string,
  ) {
    super(
      `${file}: schema.ref '${ref}' is not found from the contract's directory or any parent. Put the schema at <root>/${ref} next to <root>/contracts/, or pass --root <root>.`,
    );
  }
}

/** `fieldmesh contracts check --since <revision>` names a revision that the repository (with its full history) does not have. */
export class BaselineRevisionUnknown extends Error {
  override readonly name = 'BaselineRevisionUnknown';
  constructor(
    readonly revision: string,
    readonly root: string,
  ) {
    super(
      `'${revision}' is not a commit of the repository at ${root}: there are no contracts to compare with. Name a tag, branch or commit that 'git rev-parse ${revision}' knows (fetch it first if it is remote), or use --since last-release.`,
    );
  }
}

/** A contract at the baseline commit does not load under today's contract rules, so it cannot be compared with. */
export class BaselineContractInvalid extends Error {
  override readonly name = 'BaselineContractInvalid';
  constructor(
    readonly baseline: string,
    readonly problems: string,
    options?: { cause: unknown },
  ) {
    super(
      `The contracts of ${baseline} cannot be compared with: one does not load under today's contract rules:\n${problems}\nCompare with a later revision (--since <revision>) whose contracts load, e.g. the commit that changed the rules.`,
      options,
    );
  }
}

/** `fieldmesh data import` cannot read an input file: the line and cell that are wrong, and how to fix it. */
export class ImportInputInvalid extends Error {
  override readonly name = 'ImportInputInvalid';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`${file}${line > 0 ? ` line ${line}` : ''}: ${reason}. ${fix}`);
  }
}

/** A calibration proposal cannot take this step: already approved, approved by its own proposer, or not approved yet. */
export class CalibrationProposalRefused extends Error {
  override readonly name = 'CalibrationProposalRefused';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
