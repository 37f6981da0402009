export { avroTypeName, schemaFieldsFromAvro } from './avro.schema-facet';
export { columnLineage, identityColumnLineage, type ColumnSource, type DatasetRef, type DerivationKind } from './column-lineage';
export {
  clickhouseDataset,
  clickhouseNamespace,
  kafkaDataset,
  kafkaNamespace,
  lwm2mDataset,
  mqttDataset,
  onem2mDataset,
  opcuaDataset,
  type DatasetOptions,
} from './dataset.factory';
export { LineageDatasetUnknown, LineageEmitFailed, LineageReadFailed, type LineageTransport } from './errors';
export { dataSourceFacet, documentationFacet, errorMessageFacet, FIELDMESH_PRODUCER, ownershipFacet, schemaFacet, streamingJobTypeFacet, type Owner } from './facets';
export { HttpTransport, type HttpTransportOptions } from './http.transport';
export { lineageEmitterConfigSchema, type LineageEmitterConfig, type LineageEmitterSettings } from './lineage.config';
export { LineageEmitter, lineageEmitter, LineageRun, type LineageRunUpdate } from './lineage.emitter';
export { formatLineageTree } from './lineage.format';
export { LineageGraph, nodeId, type LineageEdge, type LineageJob, type LineageNode, type LineageRef, type LineageWalk } from './lineage.graph';
export { readLineageGraph, type ReadLineageOptions } from './lineage.reader';
export { ensureLineageTopic, LINEAGE_TOPIC, lineageKey } from './lineage.topic';
export {
  columnLineageFacetSchema,
  datasetSchema,
  eventTypes,
  FACET_SCHEMA_URLS,
  RUN_EVENT_SCHEMA_URL,
  runEventSchema,
  schemaFacetSchema,
  type ColumnLineageFacet,
  type Dataset,
  type EventType,
  type Facet,
  type InputField,
  type RunEvent,
  type SchemaFacet,
  type SchemaField,
  type Transformation,
} from './openlineage.schema';
export { runEvent, type JobSpec, type RunEventInput } from './run-event.builder';
