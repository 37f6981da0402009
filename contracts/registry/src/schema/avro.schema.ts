import avsc from 'avsc';
import { RegistryErrors } from '../errors';

export type SchemaType = 'AVRO';

/** A named type taken from another registered schema: Avro `name` is the referenced type's full name. */
export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** A parsed, validated Avro schema and the one text form the registry stores and compares. */
export interface ParsedSchema {
  schemaType: SchemaType;
  /** Canonical JSON text: stored in the log, returned by the API, and (with the references) the identity of the schema. */
  canonical: string;
  references: SchemaReference[];
  type: avsc.Type;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
// Attribute order of Avro's own printer, so stored schemas read like the ones Confluent returns.
const SCHEMA_KEY_ORDER = ['type', 'name', 'namespace', 'doc', 'fields', 'symbols', 'items', 'values', 'size', 'default', 'order', 'aliases'];
const FIELD_KEY_ORDER = ['name', 'type', 'doc', 'default', 'order', 'aliases'];

function orderedKeys(node: Record<string, unknown>, order: string[]): string[] {
  const known = order.filter((key) => key in node);
  const rest = Object.keys(node)
    .filter((key) => !order.includes(key))
    .sort();
  return [...known, ...rest];
}

/**
 * Canonical form of a schema's JSON: whitespace and attribute order are normalised, and a primitive written
 * as `{"type":"int"}` becomes `"int"` (as Avro's Java printer, which Confluent uses to compare schemas, does).
 * Doc, defaults, aliases, logical types and custom properties are kept: they change what readers see, so
 * two schemas differing in them are different schemas. Defaults are data and are kept as written.
 */
function canonicalNode(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(canonicalNode);
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  const keys = orderedKeys(record, SCHEMA_KEY_ORDER);
  if (keys.length === 1 && typeof record.type === 'string' && PRIMITIVES.has(record.type)) return record.type;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = record[key];
    if (key === 'type' || key === 'items' || key === 'values') out[key] = canonicalNode(value);
    else if (key === 'fields' && Array.isArray(value)) out[key] = value.map(canonicalField);
    else out[key] = value;
  }
  return out;
}

function canonicalField(field: unknown): unknown {
  if (field === null || typeof field !== 'object') return field;
  const record = field as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of orderedKeys(record, FIELD_KEY_ORDER)) out[key] = key === 'type' ? canonicalNode(record[key]) : record[key];
  return out;
}

/**
 * Parses and validates an Avro schema given as text (as the REST API carries it). `dependencies` are the
 * texts of the schemas its references resolve to, dependencies first, whose named types it may use.
 * Invalid JSON, an invalid schema (unknown type, bad name, default not matching its type…) or another
 * schema type is a 42201 error.
 */
export function parseSchema(text: unknown, schemaType: unknown = 'AVRO', dependencies: string[] = [], references: SchemaReference[] = []): ParsedSchema {
  if (schemaType !== 'AVRO') throw RegistryErrors.unsupportedSchemaType(String(schemaType));
  if (typeof text !== 'string' || text.trim() === '') throw RegistryErrors.invalidSchema('the "schema" field is empty or not a string');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw RegistryErrors.invalidSchema(`schema text is not JSON (${(error as Error).message})`, error);
  }
  let type: avsc.Type;
  try {
    const registry: Record<string, avsc.Type> = {};
    for (const dependency of dependencies) avsc.Type.forSchema(JSON.parse(dependency) as avsc.Schema, { registry });
    type = avsc.Type.forSchema(json as avsc.Schema, { registry });
  } catch (error) {
    throw RegistryErrors.invalidSchema((error as Error).message, error);
  }
  return { schemaType: 'AVRO', canonical: JSON.stringify(canonicalNode(json)), references, type };
}
