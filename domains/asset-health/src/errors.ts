/** A recorded CSV, its mapping or its labels cannot be used for a backtest or a feature export. */
export class RecordingInvalid extends Error {
  override readonly name = 'RecordingInvalid';
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`Recording ${file} cannot be read: ${reason}. To fix: ${fix}.`);
  }
}

/** The features contract lacks what the pipeline needs to cut windows. */
export class FeatureWindowUndefined extends Error {
  override readonly name = 'FeatureWindowUndefined';
  constructor(readonly contractFile: string) {
    super(`Contract ${contractFile} has no processing.window.size, so the features pipeline cannot cut windows. Add processing.window.size (e.g. PT10S) to the contract.`);
  }
}
