export type { ConnectorContext, ConnectorSpec, ConnectorStatus, MetadataKey, SinkConnectorSpec, SourceConnectorSpec } from './connector.spec';
export { type ComponentDocOptions, renderComponentDoc } from './docs/component-doc.renderer';
export { renderComponentHelp, renderComponentList } from './docs/component-help.renderer';
export { type ConfigExample, configExamples } from './docs/config.examples';
export { type ConfigField, configFields } from './docs/config.fields';
export { configJsonSchema, type JsonSchema } from './docs/config.json-schema';
export { NotConnected } from './errors';
export type { Quality, SourceEvent, SourceProtocol, SourceReading, SourceReject } from './reading';
export type { ConditionAcknowledgement, Source, SourceBatch } from './source';
