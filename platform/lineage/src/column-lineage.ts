import { FIELDMESH_PRODUCER } from './facets';
import { FACET_SCHEMA_URLS, type ColumnLineageFacet, type InputField } from './openlineage.schema';

/** A dataset by its identity; a `Dataset` from the factories fits. */
export interface DatasetRef {
  namespace: string;
  name: string;
}

/** DIRECT subtypes of the column lineage facet: how an output value comes from its inputs. */
export type DerivationKind = 'IDENTITY' | 'TRANSFORMATION' | 'AGGREGATION';

/** The inputs one output field is derived from. */
export interface ColumnSource {
  dataset: DatasetRef;
  /** The input field or fields the output value is computed from. */
  fields: string | readonly string[];
  /** IDENTITY: copied; TRANSFORMATION: computed from one record; AGGREGATION: over several. Default TRANSFORMATION. */
  kind?: DerivationKind;
  /** What is done, in words or as an expression, e.g. 'sqrt(mean(value^2)) over 10 s'. */
  transformation?: string;
  /** True when the output hides the input (hash, pseudonym). */
  masking?: boolean;
}

/**
 * The column lineage facet of an output dataset: for each derived output field, the input fields it is
 * computed from and how. Attach it with the dataset factories' `columnLineage` option.
 */
export function columnLineage(fields: Record<string, ColumnSource | readonly ColumnSource[]>): ColumnLineageFacet {
  const entries = Object.entries(fields).map(([outputField, sources]) => {
    const list: readonly ColumnSource[] = isSourceList(sources) ? sources : [sources];
    const inputFields: InputField[] = list.flatMap((source) =>
      (typeof source.fields === 'string' ? [source.fields] : [...source.fields]).map((field: string) => ({
        namespace: source.dataset.namespace,
        name: source.dataset.name,
        field,
        transformations: [
          {
            type: 'DIRECT' as const,
            subtype: source.kind ?? 'TRANSFORMATION',
            ...(source.transformation ? { description: source.transformation } : {}),
            masking: source.masking ?? false,
          },
        ],
      })),
    );
    if (inputFields.length === 0) throw new TypeError(`column lineage of '${outputField}' names no input field`);
    return [outputField, { inputFields }] as const;
  });
  return { _producer: FIELDMESH_PRODUCER, _schemaURL: FACET_SCHEMA_URLS.columnLineage, fields: Object.fromEntries(entries) };
}

/** Every listed field copied unchanged from one input, as a sink writing a topic to a table does. */
export function identityColumnLineage(input: DatasetRef, fields: readonly string[]): ColumnLineageFacet {
  return columnLineage(Object.fromEntries(fields.map((field) => [field, { dataset: input, fields: field, kind: 'IDENTITY' as const }])));
}

function isSourceList(sources: ColumnSource | readonly ColumnSource[]): sources is readonly ColumnSource[] {
  return Array.isArray(sources);
}
