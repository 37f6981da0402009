import avro, { type ForSchemaOptions, type Schema, type Type } from 'avsc';
import { bigintLongType } from './bigint-long.type';
import { DecimalType } from './decimal.type';
import { TimestampMillisType } from './timestamp-millis.type';

const LOGICAL_TYPES: ForSchemaOptions['logicalTypes'] = {
  'timestamp-millis': TimestampMillisType,
  decimal: DecimalType,
};

/** Every `long` without one of our logical types becomes the bigint long (timestamp-micros included). */
function longAsBigint(schema: Schema): Type | undefined {
  if (schema === 'long') return bigintLongType;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || avro.Type.isType(schema)) return undefined;
  const { type, logicalType } = schema as { type?: unknown; logicalType?: unknown };
  if (type !== 'long') return undefined;
  return typeof logicalType === 'string' && logicalType in LOGICAL_TYPES ? undefined : bigintLongType;
}

/**
 * avsc options for every Avro type Fieldmesh builds. A new object on each call: avsc stores the named
 * types it defines in `opts.registry`, so a shared options object would make two versions of one record
 * collide.
 */
export function avroTypeOptions(): Partial<ForSchemaOptions> {
  return { logicalTypes: LOGICAL_TYPES, typeHook: longAsBigint };
}

/** The avsc type of a schema, given parsed or as its JSON text, with Fieldmesh's long and logical types. */
export function createAvroType(schema: object | string): Type {
  const parsed = (typeof schema === 'string' ? JSON.parse(schema) : schema) as Schema;
  return avro.Type.forSchema(parsed, avroTypeOptions());
}
