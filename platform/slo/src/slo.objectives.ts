import { durationToMs, type DataContract } from '@fieldmesh/governance';

/** A product's SLOs as the evaluator uses them, read from its contract's `slos`. */
export interface ProductObjectives {
  product: string;
  topic: string;
  freshnessMaxAgeMs: number;
  completenessMinRatio: number;
  completenessWindowMs: number;
}

export function objectivesOf(contract: DataContract): ProductObjectives {
  return {
    product: contract.id,
    topic: contract.kafka.topic,
    freshnessMaxAgeMs: durationToMs(contract.slos.freshness.maxAge),
    completenessMinRatio: contract.slos.completeness.minRatio,
    completenessWindowMs: durationToMs(contract.slos.completeness.window),
  };
}
