export { ChampionShadowScorer, type ChampionShadowOptions, type ModelRole, type RowScore, type ScorerStats, type ShadowComparison } from './champion-shadow.scorer';
export { topContributors, type FeatureContribution } from './contributors';
export { DriftMonitor, type DriftMonitorOptions, type DriftReport, type FeatureDrift } from './drift.monitor';
export { ModelCardInvalid, ModelLoadFailed, ModelNotFound, ScoringFailed } from './errors';
export { isApplicable, prepareBatch, type FeatureRow, type PreparedBatch } from './feature.matrix';
export { modelCardSchema, modelId, type FeatureStats, type ModelCard } from './model-card';
export { FileModelRegistry, type ModelEntry } from './model.registry';
export { OnnxModel, type ModelOutput, type OnnxModelOptions } from './onnx.model';
