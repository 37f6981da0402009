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

/** A model's features were computed over another window size than the features product is cut with. */
export class ModelWindowMismatch extends Error {
  override readonly name = 'ModelWindowMismatch';
  constructor(
    readonly model: string,
    readonly modelWindowMs: number,
    readonly productWindowMs: number,
  ) {
    super(
      `Model ${model} was trained on ${modelWindowMs} ms windows but asset-health.features is cut in ${productWindowMs} ms windows, so its scores would mean nothing. ` +
        'Retrain the model on features of the current window size (tools/ml/train.py), or use a model trained for it.',
    );
  }
}

/** An alert workflow step that the alert's current state does not allow, or that lacks what it needs. */
export class AlertTransitionInvalid extends Error {
  override readonly name = 'AlertTransitionInvalid';
  constructor(
    readonly alertId: string,
    readonly from: string,
    readonly action: string,
    readonly reason: string,
  ) {
    super(`Alert ${alertId} cannot go ${from} → ${action}: ${reason}.`);
  }
}

/** No alert with this id is known to the service. */
export class AlertNotFound extends Error {
  override readonly name = 'AlertNotFound';
  constructor(readonly alertId: string) {
    super(`Alert ${alertId} is not known. Alert ids are <assetPath>@<onset ms>, as on asset-health.alerts.v1; list the open alerts to find it.`);
  }
}
