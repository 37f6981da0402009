import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelLoadFailed, ScoringFailed } from './errors';
import type { ModelCard } from './model-card';
import type { ModelEntry } from './model.registry';

export interface OnnxModelOptions {
  /** Rows per onnxruntime call; larger batches amortise the call, smaller ones bound memory. Default 512. */
  maxBatchRows?: number;
  /** Threads onnxruntime may use inside one operator. Default 1: the scorer shares a small machine. */
  intraOpThreads?: number;
}

/** Scores of a batch, row-aligned with its input. */
export interface ModelOutput {
  scores: Float32Array;
  /** Row-major [rows × features] per-feature terms, when the model has a contributions output. */
  contributions?: Float32Array;
}

/**
 * One model version with its own onnxruntime session (sessions are not shared between versions, so a
 * shadow candidate can never disturb the champion). Scores row-major feature matrices in batches.
 */
export class OnnxModel {
  private closed = false;

  private constructor(
    readonly entry: ModelEntry,
    private readonly session: InferenceSession,
    private readonly maxBatchRows: number,
  ) {}

  get card(): ModelCard {
    return this.entry.card;
  }

  /** `name@version`. */
  get id(): string {
    return `${this.entry.name}@${this.entry.version}`;
  }

  /** Opens the session and checks the graph against the card by scoring one row of training means. */
  static async load(entry: ModelEntry, options: OnnxModelOptions = {}): Promise<OnnxModel> {
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(entry.modelFile, {
        intraOpNumThreads: options.intraOpThreads ?? 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw new ModelLoadFailed(entry.modelFile, `onnxruntime refused it (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
    const { inputs, outputs } = entry.card;
    const missing = [inputs.tensor].filter((name) => !session.inputNames.includes(name));
    const missingOutputs = [outputs.score, ...(outputs.contributions ? [outputs.contributions] : [])].filter((name) => !session.outputNames.includes(name));
    if (missing.length > 0 || missingOutputs.length > 0) {
      await session.release();
      throw new ModelLoadFailed(
        entry.modelFile,
        `the card names input ${inputs.tensor} and outputs ${outputs.score}${outputs.contributions ? `, ${outputs.contributions}` : ''}, the graph has inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}`,
      );
    }
    const model = new OnnxModel(entry, session, options.maxBatchRows ?? 512);
    const probe = Float32Array.from(entry.card.trainingData.featureStats.map((stats) => stats.mean));
    try {
      const output = await model.score(probe);
      if (output.scores.length !== 1 || (output.contributions && output.contributions.length !== probe.length)) {
        throw new Error(`one row of ${probe.length} features gave ${output.scores.length} scores and ${output.contributions?.length ?? 0} contributions`);
      }
    } catch (error) {
      await session.release();
      throw new ModelLoadFailed(entry.modelFile, `it does not take the card's ${probe.length} input features (${error instanceof Error ? error.message : String(error)})`, {
        cause: error,
      });
    }
    return model;
  }

  /** Scores a row-major [rows × features] matrix, in batches of at most maxBatchRows. */
  async score(matrix: Float32Array): Promise<ModelOutput> {
    const width = this.card.inputs.features.length;
    const rows = matrix.length / width;
    const scores = new Float32Array(rows);
    const contributions = this.card.outputs.contributions ? new Float32Array(rows * width) : undefined;
    for (let start = 0; start < rows; start += this.maxBatchRows) {
      const count = Math.min(this.maxBatchRows, rows - start);
      const input = new Tensor('float32', matrix.subarray(start * width, (start + count) * width), [count, width]);
      let result: InferenceSession.OnnxValueMapType;
      try {
        result = await this.session.run({ [this.card.inputs.tensor]: input });
      } catch (error) {
        throw new ScoringFailed(this.entry.name, this.entry.version, count, { cause: error });
      }
      scores.set(result[this.card.outputs.score]!.data as Float32Array, start);
      if (contributions) contributions.set(result[this.card.outputs.contributions!]!.data as Float32Array, start * width);
    }
    return contributions ? { scores, contributions } : { scores };
  }

  /** Releases the session; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.release();
  }
}
