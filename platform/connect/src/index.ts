export { type AcknowledgeConditionCommand, acknowledgeConditionCommandSchema, GATEWAY_COMMANDS_TOPIC, GATEWAY_COMMANDS_TOPIC_LAYOUT } from './condition.command';
export type { ConnectorContext, ConnectorSpec, ConnectorStatus, MetadataKey, SinkConnectorSpec, SourceConnectorSpec } from './connector.spec';
export {
  DIAGNOSTIC_COMMAND_TYPES,
  type DiagnosticCommand,
  diagnosticCommandSchema,
  type DiagnosticCommandType,
  type GatewayCommand,
  gatewayCommandSchema,
  MAX_LOG_TAIL_LINES,
} from './diagnostics.command';
export { type ComponentDocOptions, renderComponentDoc } from './docs/component-doc.renderer';
export { renderComponentHelp, renderComponentList } from './docs/component-help.renderer';
export { type ConfigExample, configExamples } from './docs/config.examples';
export { type ConfigField, configFields } from './docs/config.fields';
export { configJsonSchema, type JsonSchema } from './docs/config.json-schema';
export {
  type DesiredStateConfig,
  type DesiredStatePayload,
  desiredStatePayloadSchema,
  type DesiredStateReport,
  FLEET_ROLLOUTS_TOPIC,
  FLEET_ROLLOUTS_TOPIC_LAYOUT,
  type FleetRolloutEvent,
  GATEWAY_DESIRED_STATE_TOPIC,
  GATEWAY_DESIRED_STATE_TOPIC_LAYOUT,
  signDesiredState,
  type SignedDesiredState,
  type VerifiedDesiredState,
  verifyDesiredState,
} from './desired-state';
export { DesiredStateRefused, NotConnected } from './errors';
export {
  FLEET_TOPICS,
  type FleetTopics,
  type OperatorKey,
  rollBack,
  type RollbackOptions,
  rolloutEvents,
  type RolloutOptions,
  type RolloutResult,
  runRollout,
} from './fleet.rollout';
export {
  type GatewayAnswer,
  type GatewayAnswerOutcome,
  type GatewayBufferState,
  type GatewayHeartbeat,
  type GatewayReply,
  GATEWAY_REPLIES_TOPIC,
  GATEWAY_REPLIES_TOPIC_LAYOUT,
} from './gateway.reply';
export type { PlantEventRecord } from './plant-event.record';
export type { Quality, SourceEvent, SourceProtocol, SourceReading, SourceReject } from './reading';
export type { ConditionAcknowledgement, Source, SourceBatch } from './source';
