import type { ModelCard } from './model-card';

/** One feature's part in a score: its share of the positive contributions, its value and its training mean. */
export interface FeatureContribution {
  feature: string;
  share: number;
  value: number;
  expected: number;
}

/**
 * The `count` features with the largest contributions. Mahalanobis terms can be slightly negative (a
 * feature that moved the way its correlates predict), so shares are of the positive terms only.
 */
export function topContributors(card: ModelCard, contributions: ArrayLike<number>, values: ArrayLike<number>, count: number): FeatureContribution[] {
  const names = card.inputs.features;
  let positive = 0;
  for (let f = 0; f < names.length; f++) positive += Math.max(0, contributions[f] ?? 0);
  return names
    .map((feature, f) => ({ feature, term: contributions[f] ?? 0, f }))
    .sort((a, b) => b.term - a.term)
    .slice(0, count)
    .filter((entry) => entry.term > 0)
    .map(({ feature, term, f }) => ({
      feature,
      share: positive > 0 ? term / positive : 0,
      value: values[f] ?? Number.NaN,
      expected: card.trainingData.featureStats[f]!.mean,
    }));
}
