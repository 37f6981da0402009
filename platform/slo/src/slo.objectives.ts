import { durationToMs, freshnessBasisOf, type DataContract, type FreshnessBasis } from '@fieldmesh/governance';

/** A product's SLOs as the evaluator uses them, read from its contract's `slos`. */
export interface ProductObjectives {
  product: string;
  topic: string;
  freshnessMaxAgeMs: number;
  /** `event-driven`: records come only when something happens, so silence is not judged (see SloEvaluator). */
  freshnessBasis: FreshnessBasis;
  completenessMinRatio: number;
  completenessWindowMs: number;
}

export function objectivesOf(contract: DataContract): ProductObjectives {
  return {
    product: contract.id,
    topic: contract.kafka.topic,
    freshnessMaxAgeMs: durationToMs(contract.slos.freshness.maxAge),
    freshnessBasis: freshnessBasisOf(contract),
    completenessMinRatio: contract.slos.completeness.minRatio,
    completenessWindowMs: durationToMs(contract.slos.completeness.window),
  };
}
