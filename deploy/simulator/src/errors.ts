/** A failure was asked of an asset it cannot happen to (e.g. cavitation on a conveyor). */
export class FailureNotApplicable extends Error {
  override readonly name = 'FailureNotApplicable';
  constructor(
    readonly assetPath: string,
    readonly mode: string,
    readonly assetClass: string,
    readonly allowedClasses: readonly string[],
  ) {
    super(`Cannot inject ${mode} into ${assetPath}: a ${assetClass} cannot have it. Choose an asset of class ${allowedClasses.join(' or ')}.`);
  }
}

/** An asset path or signal that the simulated plant does not have. */
export class UnknownAsset extends Error {
  override readonly name = 'UnknownAsset';
  constructor(
    readonly assetPath: string,
    readonly knownPaths: readonly string[],
  ) {
    super(`The plant has no asset ${assetPath}. Use one of: ${knownPaths.slice(0, 8).join(', ')}${knownPaths.length > 8 ? ', …' : ''}.`);
  }
}

/** A line path that the simulated plant does not have, or a tail that names several lines. */
export class UnknownLine extends Error {
  override readonly name = 'UnknownLine';
  constructor(
    readonly linePath: string,
    readonly knownPaths: readonly string[],
  ) {
    super(`The plant has no single line ${linePath}. Use one of: ${knownPaths.slice(0, 8).join(', ')}${knownPaths.length > 8 ? ', …' : ''}.`);
  }
}

/** A replay CSV that cannot be read as the mapping describes it. */
export class ReplayCsvInvalid extends Error {
  override readonly name = 'ReplayCsvInvalid';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}. Fix the CSV or the mapping's column names and replay again.`);
  }
}

/** A protocol output could not start (broker unreachable, port taken, certificate problem). */
export class OutputStartFailed extends Error {
  override readonly name = 'OutputStartFailed';
  constructor(
    readonly output: 'mqtt-json' | 'sparkplug' | 'opcua',
    readonly address: string,
    readonly hint: string,
    options: { cause: unknown },
  ) {
    super(`The ${output} output could not start at ${address}: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}. ${hint}`, options);
  }
}
