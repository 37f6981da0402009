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
export { NotConnected } from './errors';
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
