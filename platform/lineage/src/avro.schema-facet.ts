import type { SchemaField } from './openlineage.schema';

/** An Avro schema as parsed JSON: a primitive name, a complex type object or a union array. */
type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };

interface AvroField {
  name: string;
  type: AvroSchema;
  doc?: string;
}

function isObject(schema: AvroSchema): schema is { [key: string]: unknown } {
  return typeof schema === 'object' && !Array.isArray(schema);
}

/** A readable type name: `long`, `timestamp-millis`, `union<null,double>`, `enum Quality`, `map<string>`. */
export function avroTypeName(schema: AvroSchema): string {
  if (typeof schema === 'string') return schema;
  if (Array.isArray(schema)) return `union<${schema.map(avroTypeName).join(',')}>`;
  if (typeof schema.logicalType === 'string') return schema.logicalType;
  switch (schema.type) {
    case 'record':
    case 'enum':
    case 'fixed':
      return `${schema.type} ${String(schema.name)}`;
    case 'array':
      return `array<${avroTypeName(schema.items as AvroSchema)}>`;
    case 'map':
      return `map<${avroTypeName(schema.values as AvroSchema)}>`;
    default:
      return avroTypeName(schema.type as AvroSchema);
  }
}

/** The record inside a field type, if any (a record, or a nullable record union). */
function nestedRecord(schema: AvroSchema): { fields: AvroField[] } | undefined {
  if (Array.isArray(schema)) return schema.map(nestedRecord).find((record) => record !== undefined);
  if (isObject(schema) && schema.type === 'record' && Array.isArray(schema.fields)) return { fields: schema.fields as AvroField[] };
  return undefined;
}

/** The fields of an Avro record schema for OpenLineage's schema facet, nested records included. */
export function schemaFieldsFromAvro(recordSchema: object): SchemaField[] {
  const record = nestedRecord(recordSchema as AvroSchema);
  if (!record) throw new TypeError('the schema facet needs an Avro record schema ({"type": "record", "fields": [...]})');
  return record.fields.map((field) => {
    const nested = nestedRecord(field.type);
    return {
      name: field.name,
      type: avroTypeName(field.type),
      ...(field.doc ? { description: field.doc } : {}),
      ...(nested ? { fields: schemaFieldsFromAvro({ type: 'record', fields: nested.fields }) } : {}),
    };
  });
}
