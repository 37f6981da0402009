// The alert workflow is also its own entry point for programs that share it: @fieldmesh/domain-asset-health/alert-workflow.
export {
  ALERT_EVENT_TYPES,
  AlertNotFound,
  AlertService,
  AlertTransitionInvalid,
  nextActionsOf,
  SYSTEM_ACTOR,
  type AlertAction,
  type AlertCommand,
  type AlertEvent,
  type AlertEventType,
  type AlertOpening,
  type AlertReplayOutcome,
  type AlertView,
} from './alert-workflow.public';
export { AlertPolicy, type AlertPolicyOptions } from './alerts/alert.policy';
export { startAlertWorkflow, type AssetHealthApi } from './alerts/alert.workflow';
export type { AnomalyScore } from './anomaly-scores/anomaly-score';
export { AnomalyOperator, type AnomalyOperatorOptions, type AnomalyOperatorStats } from './anomaly-scores/anomaly.operator';
export { alertOutput, AnomalyPipeline, type AnomalyPipelineStats, type AnomalyPipelineTopics } from './anomaly-scores/anomaly.pipeline';
export { anomalyScoresProduct } from './anomaly-scores/anomaly-scores.product';
export { domain, type AssetHealthDomain } from './asset-health.domain';
export { assetHealthServices, type AssetHealthServices } from './asset-health.services';
export { alertingSchema, assetHealthSettingsSchema, type AssetHealthSettings } from './asset-health.settings';
export { evaluateAlerts, type BacktestMetrics, type EpisodeOutcome } from './backtest/backtest.metrics';
export { runBacktest, type BacktestOptions, type BacktestResult } from './backtest/backtest.runner';
export { loadLabels, loadMapping, readRecording, recordingFiles, type LabelledEpisode, type RecordingFiles, type RecordingMapping } from './backtest/recording.reader';
export { FeatureWindowUndefined, ModelWindowMismatch, RecordingInvalid } from './errors';
export { featureValues, type AssetFeatures } from './features/asset-features';
export { assetClassResolver } from './features/asset-class.resolver';
export { featureWindowSpec, type WindowSpec } from './features/features.contract';
export { featuresProduct } from './features/features.product';
export { FeaturesPipeline, type CleanReadingFields, type FeaturesPipelineOptions, type FeaturesPipelineStats } from './features/features.pipeline';
export { SIGNAL_STATISTICS, SignalStats, type SignalFeatures, type SignalStatistic } from './features/signal.stats';
export { DEFAULT_MODELS_DIR } from './paths';
