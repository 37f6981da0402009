import { z } from 'zod';

/**
 * The parts of the OpenLineage 2-0-2 run event (https://openlineage.io/spec/2-0-2/OpenLineage.json) and of
 * the facets Fieldmesh emits, as zod schemas: the spec's required fields are required here, everything
 * else passes through so that events from other producers on the same topic still parse.
 */

export const RUN_EVENT_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

export const FACET_SCHEMA_URLS = {
  schema: 'https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet',
  columnLineage: 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet',
  dataSource: 'https://openlineage.io/spec/facets/1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet',
  ownership: 'https://openlineage.io/spec/facets/1-0-1/OwnershipDatasetFacet.json#/$defs/OwnershipDatasetFacet',
  documentation: 'https://openlineage.io/spec/facets/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet',
  jobType: 'https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
  errorMessage: 'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet',
} as const;

/** RUNNING is 2-0's state for a streaming job that is alive and processing. */
export const eventTypes = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;
export type EventType = (typeof eventTypes)[number];

/** Every facet carries who produced it and which schema it follows (the spec's BaseFacet). */
export const baseFacetSchema = z.looseObject({ _producer: z.url(), _schemaURL: z.url() });
export type Facet = z.output<typeof baseFacetSchema>;

const facetsSchema = z.record(z.string(), baseFacetSchema);

export const datasetSchema = z.looseObject({
  namespace: z.string().min(1),
  name: z.string().min(1),
  facets: facetsSchema.optional(),
});
export type Dataset = z.output<typeof datasetSchema>;

export const runEventSchema = z.looseObject({
  eventType: z.enum(eventTypes).optional(),
  eventTime: z.iso.datetime({ offset: true }),
  producer: z.url(),
  schemaURL: z.url(),
  run: z.looseObject({ runId: z.uuid(), facets: facetsSchema.optional() }),
  job: z.looseObject({ namespace: z.string().min(1), name: z.string().min(1), facets: facetsSchema.optional() }),
  inputs: z.array(datasetSchema).optional(),
  outputs: z.array(datasetSchema).optional(),
});
export type RunEvent = z.output<typeof runEventSchema>;

/** As zod reads it: an optional field the event leaves out is undefined. */
export interface SchemaField {
  name: string;
  type?: string | undefined;
  description?: string | undefined;
  /** Fields of a nested record (SchemaDatasetFacet 1-1-0 and later). */
  fields?: SchemaField[] | undefined;
}

const schemaFieldSchema: z.ZodType<SchemaField> = z.lazy(() =>
  z.looseObject({ name: z.string().min(1), type: z.string().optional(), description: z.string().optional(), fields: z.array(schemaFieldSchema).optional() }),
);

export const schemaFacetSchema = baseFacetSchema.extend({ fields: z.array(schemaFieldSchema) });
export type SchemaFacet = z.output<typeof schemaFacetSchema>;

/** DIRECT: the output value is computed from the input; INDIRECT: the input only selects or groups rows. */
export const transformationSchema = z.looseObject({
  type: z.enum(['DIRECT', 'INDIRECT']),
  subtype: z.string().optional(),
  description: z.string().optional(),
  masking: z.boolean().optional(),
});
export type Transformation = z.output<typeof transformationSchema>;

export const inputFieldSchema = z.looseObject({
  namespace: z.string().min(1),
  name: z.string().min(1),
  field: z.string().min(1),
  transformations: z.array(transformationSchema).optional(),
});
export type InputField = z.output<typeof inputFieldSchema>;

export const columnLineageFacetSchema = baseFacetSchema.extend({
  fields: z.record(z.string(), z.looseObject({ inputFields: z.array(inputFieldSchema) })),
});
export type ColumnLineageFacet = z.output<typeof columnLineageFacetSchema>;
