import { formatProblems, type Problem } from '@fieldmesh/config';

/** The registry has no model (or no such version, or no version under an alias) by that name. */
export class ModelNotFound extends Error {
  override readonly name = 'ModelNotFound';
  constructor(
    readonly root: string,
    readonly model: string,
    readonly version: string | undefined,
    readonly available: string[],
  ) {
    super(
      `Model ${model}${version ? ` version ${version}` : ''} is not in the registry at ${root} (available: ${available.join(', ') || 'none'}). ` +
        'Train it with tools/ml/train.py (it writes models/<name>/<version>/), or name one that exists.',
    );
  }
}

/** A model-card.yaml does not validate; `problems` names each field. */
export class ModelCardInvalid extends Error {
  override readonly name = 'ModelCardInvalid';
  constructor(
    readonly file: string,
    readonly problems: Problem[],
  ) {
    super(`Model card ${file} is invalid:\n${formatProblems(problems)}\nFix the card (tools/ml/train.py writes valid ones) and load the model again.`);
  }
}

/** onnxruntime could not open a model file, or the file does not match its card. */
export class ModelLoadFailed extends Error {
  override readonly name = 'ModelLoadFailed';
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Model ${file} cannot be loaded: ${reason}. Re-export it with tools/ml/train.py, or check the card's inputs and outputs against the ONNX graph.`, options);
  }
}

/** Running the model on a batch failed inside onnxruntime. */
export class ScoringFailed extends Error {
  override readonly name = 'ScoringFailed';
  constructor(
    readonly model: string,
    readonly version: string,
    readonly rows: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Scoring ${rows} rows with ${model} ${version} failed in onnxruntime: ${options?.cause instanceof Error ? options.cause.message : String(options?.cause)}. The batch is not scored; check the input against the model card.`,
      options,
    );
  }
}

/** A predictions CSV (as the backtest writes it) cannot be read. */
export class PredictionsInvalid extends Error {
  override readonly name = 'PredictionsInvalid';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(
      `Predictions ${file}${line > 0 ? ` line ${line}` : ''}: ${reason}. Write it with the backtest's --predictions-out (header ${'timestamp,assetPath,label,anomaly,predicted,score,threshold'}).`,
    );
  }
}

/** A model with a per-asset baseline was asked to score rows without their assets. */
export class AssetsNotGiven extends Error {
  override readonly name = 'AssetsNotGiven';
  constructor(
    readonly model: string,
    readonly rows: number,
    readonly assets: number,
  ) {
    super(
      `${model} centres each asset on its own baseline, but ${rows} rows came with ${assets} asset names. Pass the asset of every row to ChampionShadowScorer.score(rows, assets).`,
    );
  }
}
