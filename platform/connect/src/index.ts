export type { ConnectorContext, MetadataKey, SourceConnectorSpec } from './connector.spec';
export { NotConnected } from './errors';
export type { Quality, SourceProtocol, SourceReading, SourceReject } from './reading';
export type { Source, SourceBatch } from './source';
