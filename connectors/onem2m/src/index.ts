export { CseClient } from './client';
export { type ContainerMapping, type Onem2mSourceConfig, onem2mSourceConfigSchema, parseOnem2mSourceConfig } from './config';
export { type ContentInstance, type MappedContent, mapContentInstance, parseOnem2mTime, resolvePointer } from './content.mapping';
export { CseRequestFailed } from './errors';
export { Onem2mSource, type Onem2mSourceMetrics } from './source';
export { onem2mSourceSpec } from './spec';
