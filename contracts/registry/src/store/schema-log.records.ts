import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from '../compatibility/compatibility.level';
import type { SchemaReference } from '../schema/avro.schema';

/**
 * Records of the registry log: one topic (`_schemas` by default), one partition, cleanup.policy=compact.
 * Keys and values are JSON in the shape Confluent Schema Registry writes to its own `_schemas` topic, and
 * the key is what compaction keeps one value of:
 *
 *   SCHEMA  key   {"keytype":"SCHEMA","subject":"plant.telemetry.raw.v1-value","version":1,"magic":1}
 *           value {"subject":"plant.telemetry.raw.v1-value","version":1,"id":7,"schema":"<canonical text>","deleted":false}
 *                 (schemaType is omitted for AVRO and references when empty, as Confluent does; references
 *                 are [{"name":"<full type name>","subject":"…","version":1}]). A later value for the same key with
 *                 the same id and schema changes only `deleted` (soft delete). A null value (tombstone) is
 *                 a permanent delete of that version.
 *   CONFIG  key   {"keytype":"CONFIG","subject":"<subject>" | null,"magic":0}   (null subject = global level)
 *           value {"compatibilityLevel":"FULL"}; a null value removes the level.
 *   NOOP    key   {"keytype":"NOOP","magic":0}, value null: a marker an instance writes and waits to read
 *           back, after which it has applied everything written before it (read-your-writes).
 *
 * Records with other key types (Confluent's MODE, DELETE_SUBJECT…) are ignored.
 */
export interface SchemaKey {
  keytype: 'SCHEMA';
  subject: string;
  version: number;
  magic: 1;
}

export interface SchemaValue {
  subject: string;
  version: number;
  id: number;
  schema: string;
  schemaType?: string;
  references?: SchemaReference[];
  deleted: boolean;
}

export interface ConfigKey {
  keytype: 'CONFIG';
  subject: string | null;
  magic: 0;
}

export interface ConfigValue {
  compatibilityLevel: CompatibilityLevel;
}

export type LogRecord =
  { kind: 'schema'; key: SchemaKey; value: SchemaValue | null } | { kind: 'config'; key: ConfigKey; value: ConfigValue | null } | { kind: 'noop' } | { kind: 'ignored' };

export const schemaKey = (subject: string, version: number): SchemaKey => ({ keytype: 'SCHEMA', subject, version, magic: 1 });
export const configKey = (subject: string | null): ConfigKey => ({ keytype: 'CONFIG', subject, magic: 0 });

export function encodeRecord(record: LogRecord): { key: string; value: Buffer | null } {
  switch (record.kind) {
    case 'schema':
    case 'config':
      return { key: JSON.stringify(record.key), value: record.value === null ? null : Buffer.from(JSON.stringify(record.value)) };
    case 'noop':
      return { key: JSON.stringify({ keytype: 'NOOP', magic: 0 }), value: null };
    case 'ignored':
      throw new Error('an ignored record is never written');
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const isReference = (value: unknown): value is SchemaReference =>
  isObject(value) && typeof value.name === 'string' && typeof value.subject === 'string' && typeof value.version === 'number';

/** Decodes a consumed record; anything this registry does not understand decodes as `ignored`. */
export function decodeRecord(key: Buffer | null, value: Buffer | null): LogRecord {
  if (!key) return { kind: 'ignored' };
  let parsedKey: unknown;
  let parsedValue: unknown = null;
  try {
    parsedKey = JSON.parse(key.toString('utf8'));
    if (value) parsedValue = JSON.parse(value.toString('utf8'));
  } catch {
    return { kind: 'ignored' };
  }
  if (!isObject(parsedKey)) return { kind: 'ignored' };
  if (parsedKey.keytype === 'NOOP') return { kind: 'noop' };
  if (parsedKey.keytype === 'SCHEMA' && typeof parsedKey.subject === 'string' && typeof parsedKey.version === 'number') {
    const key = schemaKey(parsedKey.subject, parsedKey.version);
    if (parsedValue === null) return { kind: 'schema', key, value: null };
    if (!isObject(parsedValue) || typeof parsedValue.id !== 'number' || typeof parsedValue.schema !== 'string') return { kind: 'ignored' };
    return {
      kind: 'schema',
      key,
      value: {
        subject: key.subject,
        version: key.version,
        id: parsedValue.id,
        schema: parsedValue.schema,
        ...(typeof parsedValue.schemaType === 'string' && parsedValue.schemaType !== 'AVRO' ? { schemaType: parsedValue.schemaType } : {}),
        ...(Array.isArray(parsedValue.references) && parsedValue.references.length > 0
          ? { references: parsedValue.references.filter(isReference).map(({ name, subject, version }) => ({ name, subject, version })) }
          : {}),
        deleted: parsedValue.deleted === true,
      },
    };
  }
  if (parsedKey.keytype === 'CONFIG' && (typeof parsedKey.subject === 'string' || parsedKey.subject == null)) {
    const key = configKey(typeof parsedKey.subject === 'string' ? parsedKey.subject : null);
    if (parsedValue === null) return { kind: 'config', key, value: null };
    const level = isObject(parsedValue) ? COMPATIBILITY_LEVELS.find((candidate) => candidate === parsedValue.compatibilityLevel) : undefined;
    if (!level) return { kind: 'ignored' };
    return { kind: 'config', key, value: { compatibilityLevel: level } };
  }
  return { kind: 'ignored' };
}
