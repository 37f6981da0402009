import { z } from 'zod';

const condition = z
  .strictObject({ feature: z.string().min(1), min: z.number().optional(), max: z.number().optional() })
  .refine((c) => c.min !== undefined || c.max !== undefined, { message: 'a condition needs min or max' });

const featureStats = z.strictObject({
  name: z.string().min(1),
  mean: z.number(),
  std: z.number().nonnegative(),
  /** Inner bin edges (deciles of the training data) and the training share per bin, for PSI. */
  binEdges: z.array(z.number()),
  binShares: z.array(z.number().min(0).max(1)),
});

/**
 * `models/<name>/<version>/model-card.yaml`: what the model needs (inputs in order), where it came from
 * (training data, the command that reproduces it), how good it is (metrics) and how to read its score
 * (threshold). tools/ml/train.py writes it; serving trusts nothing about a model that is not on it.
 */
export const modelCardSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'kebab-case'),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as 1.2.0'),
    created: z.string().min(1),
    description: z.string().min(1),
    labels: z.record(z.string(), z.string()).default({}),
    algorithm: z.object({ name: z.string().min(1), summary: z.string().optional() }).loose(),
    inputs: z.strictObject({ tensor: z.string().min(1), features: z.array(z.string().min(1)).min(1) }),
    outputs: z.strictObject({ score: z.string().min(1), contributions: z.string().min(1).optional() }),
    /** Windows outside these conditions are not scored: the model never saw such operation. */
    applicability: z.array(condition).default([]),
    threshold: z.number().positive(),
    /** Per-asset normalisation: inputs are centred on each asset's mean over its first `windows` scored windows. */
    baseline: z.strictObject({ windows: z.number().int().positive() }).optional(),
    trainingData: z
      .object({
        description: z.string().min(1),
        command: z.string().min(1),
        featureStats: z.array(featureStats).min(1),
      })
      .loose(),
    metrics: z.record(z.string(), z.number()).default({}),
  })
  .superRefine((card, context) => {
    const statNames = card.trainingData.featureStats.map((s) => s.name);
    if (statNames.join('\n') !== card.inputs.features.join('\n')) {
      context.addIssue({ code: 'custom', path: ['trainingData', 'featureStats'], message: 'must list the input features, in the same order' });
    }
    card.trainingData.featureStats.forEach((stats, i) => {
      if (stats.binShares.length !== stats.binEdges.length + 1) {
        context.addIssue({ code: 'custom', path: ['trainingData', 'featureStats', i, 'binShares'], message: 'needs one share more than there are bin edges' });
      }
    });
  });

export type ModelCard = z.output<typeof modelCardSchema>;
export type FeatureStats = ModelCard['trainingData']['featureStats'][number];

/** `name@version`, how logs, stats and score records name a model version. */
export function modelId(card: Pick<ModelCard, 'name' | 'version'>): string {
  return `${card.name}@${card.version}`;
}
