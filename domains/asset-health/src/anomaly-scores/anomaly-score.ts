import type { FeatureContribution, ModelRole } from '@fieldmesh/ml';

/** One record of `asset-health.anomaly-scores.v1`. */
export interface AnomalyScore {
  assetPath: string;
  assetClass: string;
  windowStart: Date;
  windowEnd: Date;
  modelName: string;
  modelVersion: string;
  role: ModelRole;
  score: number;
  threshold: number;
  anomalous: boolean;
  contributors: FeatureContribution[];
  imputedFeatures: string[];
}
