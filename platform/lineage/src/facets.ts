import { schemaFieldsFromAvro } from './avro.schema-facet';
import { FACET_SCHEMA_URLS, type Facet, type SchemaFacet, type SchemaField } from './openlineage.schema';

/** The `producer` of Fieldmesh's events and facets: the library that wrote them. */
export const FIELDMESH_PRODUCER = 'https://github.com/fieldmesh/fieldmesh/tree/main/platform/lineage';

function base(kind: keyof typeof FACET_SCHEMA_URLS): Facet {
  return { _producer: FIELDMESH_PRODUCER, _schemaURL: FACET_SCHEMA_URLS[kind] };
}

/** A schema facet from an Avro record schema (parsed .avsc) or from fields already listed. */
export function schemaFacet(schema: object | SchemaField[]): SchemaFacet {
  return { ...base('schema'), fields: Array.isArray(schema) ? schema : schemaFieldsFromAvro(schema) };
}

/** Where a dataset lives: the namespace is the data source, as OpenLineage's naming spec puts it. */
export function dataSourceFacet(namespace: string): Facet {
  return { ...base('dataSource'), name: namespace, uri: namespace };
}

export interface Owner {
  /** The owning team, e.g. plant-telemetry. */
  team: string;
  /** How to reach it, e.g. an email address. */
  contact?: string;
}

/** Owners as URNs (`team:<name>`, `contact:<address>`), as the ownership facet expects. */
export function ownershipFacet(owner: Owner): Facet {
  return {
    ...base('ownership'),
    owners: [{ name: `team:${owner.team}`, type: 'OWNER' }, ...(owner.contact ? [{ name: `contact:${owner.contact}`, type: 'CONTACT' }] : [])],
  };
}

export function documentationFacet(description: string): Facet {
  return { ...base('documentation'), description };
}

/** Fieldmesh jobs are continuous stream processors, not batch runs. */
export function streamingJobTypeFacet(jobType: string): Facet {
  return { ...base('jobType'), processingType: 'STREAMING', integration: 'FIELDMESH', jobType };
}

export function errorMessageFacet(error: unknown): Facet {
  const err = error instanceof Error ? error : new Error(String(error));
  return { ...base('errorMessage'), message: err.message, programmingLanguage: 'TypeScript', ...(err.stack ? { stackTrace: err.stack } : {}) };
}
