import type { ServerCapabilities } from './server.capabilities';
import { UnsupportedAvroType } from './errors';

/**
 * How one value is written in RowBinary; the encoder follows it, so the DDL type and the bytes never
 * disagree.
 */
export type ColumnEncoding =
  | { kind: 'uint8' | 'int32' | 'int64' | 'uint64' | 'float32' | 'float64' | 'string' | 'date' }
  | { kind: 'bool' }
  | { kind: 'enum8'; symbols: string[] }
  | { kind: 'datetime64ms' }
  | { kind: 'datetime' }
  | { kind: 'nullable'; inner: ColumnEncoding }
  | { kind: 'array'; item: ColumnEncoding }
  | { kind: 'map'; value: ColumnEncoding };

/** Where a column's value comes from in a decoded record. */
export type ColumnSource =
  | { from: 'field'; field: string }
  /** Old servers without Map: the keys or the values of an Avro map, as parallel arrays. */
  | { from: 'map-keys' | 'map-values'; field: string }
  /** An array of records becomes one array column per record field (ClickHouse Nested). */
  | { from: 'nested'; field: string; subfield: string }
  | { from: 'kafka'; part: 'topic' | 'partition' | 'offset' };

export interface WarehouseColumn {
  name: string;
  /** The ClickHouse type as `system.columns` spells it. */
  type: string;
  encoding: ColumnEncoding;
  source: ColumnSource;
  comment?: string;
}

type AvroSchema = string | { type: AvroSchema; [key: string]: unknown } | AvroSchema[];
interface AvroField {
  name: string;
  type: AvroSchema;
  doc?: string;
}

/** Named types (records, enums, fixed) by name and full name, so later references resolve. */
class NamedTypes {
  private readonly byName = new Map<string, Record<string, unknown>>();

  collect(schema: unknown, namespace?: string): void {
    if (Array.isArray(schema)) return schema.forEach((s) => this.collect(s, namespace));
    if (typeof schema !== 'object' || schema === null) return;
    const s = schema as Record<string, unknown>;
    if (typeof s.name === 'string' && ['record', 'enum', 'fixed'].includes(s.type as string)) {
      const ns = (s.namespace as string | undefined) ?? namespace;
      this.byName.set(s.name, s);
      this.byName.set(s.name.includes('.') || !ns ? s.name : `${ns}.${s.name}`, s);
      if (Array.isArray(s.fields)) for (const f of s.fields as AvroField[]) this.collect(f.type, ns);
      return;
    }
    this.collect(s.type, namespace);
    this.collect(s.items, namespace);
    this.collect(s.values, namespace);
  }

  resolve(schema: AvroSchema): AvroSchema {
    if (typeof schema === 'string') return (this.byName.get(schema) as AvroSchema | undefined) ?? schema;
    return schema;
  }
}

const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

interface Mapped {
  type: string;
  encoding: ColumnEncoding;
}

/** Maps an Avro type to a ClickHouse type and encoding; undefined when there is no mapping. */
function mapType(schema: AvroSchema, named: NamedTypes, caps: ServerCapabilities): Mapped | undefined {
  const s = named.resolve(schema);
  if (typeof s === 'string') {
    switch (s) {
      case 'boolean':
        return { type: 'UInt8', encoding: { kind: 'bool' } };
      case 'int':
        return { type: 'Int32', encoding: { kind: 'int32' } };
      case 'long':
        return { type: 'Int64', encoding: { kind: 'int64' } };
      case 'float':
        return { type: 'Float32', encoding: { kind: 'float32' } };
      case 'double':
        return { type: 'Float64', encoding: { kind: 'float64' } };
      case 'string':
      case 'bytes':
        return { type: 'String', encoding: { kind: 'string' } };
      default:
        return undefined;
    }
  }
  if (Array.isArray(s)) {
    const branches = s.filter((b) => b !== 'null');
    if (branches.length !== 1 || branches.length === s.length) return undefined;
    const inner = mapType(branches[0]!, named, caps);
    // ClickHouse allows Nullable only around scalar types.
    if (!inner || inner.type.startsWith('Array(') || inner.type.startsWith('Map(')) return undefined;
    return { type: `Nullable(${inner.type})`, encoding: { kind: 'nullable', inner: inner.encoding } };
  }
  const logical = s.logicalType as string | undefined;
  if (s.type === 'long' && logical === 'timestamp-millis') {
    return caps.dateTime64 ? { type: "DateTime64(3, 'UTC')", encoding: { kind: 'datetime64ms' } } : { type: "DateTime('UTC')", encoding: { kind: 'datetime' } };
  }
  if (s.type === 'int' && logical === 'date') return { type: 'Date', encoding: { kind: 'date' } };
  if (s.type === 'enum') {
    const symbols = s.symbols as string[];
    // Enum8 holds 127 positive values; Avro symbols are numbered 1..n in declaration order.
    if (symbols.length > 127) return { type: 'String', encoding: { kind: 'string' } };
    return { type: `Enum8(${symbols.map((sym, i) => `${quote(sym)} = ${i + 1}`).join(', ')})`, encoding: { kind: 'enum8', symbols } };
  }
  if (s.type === 'array') {
    const item = mapType(s.items as AvroSchema, named, caps);
    return item && { type: `Array(${item.type})`, encoding: { kind: 'array', item: item.encoding } };
  }
  if (s.type === 'map' && caps.map) {
    const value = mapType(s.values as AvroSchema, named, caps);
    return value && { type: `Map(String, ${value.type})`, encoding: { kind: 'map', value: value.encoding } };
  }
  if (typeof s.type === 'string' && !['record', 'enum', 'fixed', 'array', 'map'].includes(s.type)) return mapType(s.type, named, caps);
  return undefined;
}

/** A field of record type inside an array, or a map on an old server, becomes several array columns. */
function expandField(field: AvroField, named: NamedTypes, caps: ServerCapabilities, topic: string): WarehouseColumn[] | undefined {
  const s = named.resolve(field.type);
  if (typeof s !== 'object' || Array.isArray(s)) return undefined;
  if (s.type === 'map' && !caps.map) {
    const value = mapType(s.values as AvroSchema, named, caps);
    if (!value) throw new UnsupportedAvroType(topic, field.name, JSON.stringify(field.type));
    return [
      { name: `${field.name}.key`, type: 'Array(String)', encoding: { kind: 'array', item: { kind: 'string' } }, source: { from: 'map-keys', field: field.name } },
      { name: `${field.name}.value`, type: `Array(${value.type})`, encoding: { kind: 'array', item: value.encoding }, source: { from: 'map-values', field: field.name } },
    ];
  }
  if (s.type === 'array') {
    const item = named.resolve(s.items as AvroSchema);
    if (typeof item !== 'object' || Array.isArray(item) || item.type !== 'record') return undefined;
    return (item.fields as AvroField[]).map((sub) => {
      const mapped = mapType(sub.type, named, caps);
      if (!mapped || mapped.type.startsWith('Array(') || mapped.type.startsWith('Map(')) {
        throw new UnsupportedAvroType(topic, `${field.name}.${sub.name}`, JSON.stringify(sub.type));
      }
      return {
        name: `${field.name}.${sub.name}`,
        type: `Array(${mapped.type})`,
        encoding: { kind: 'array', item: mapped.encoding },
        source: { from: 'nested', field: field.name, subfield: sub.name },
      } satisfies WarehouseColumn;
    });
  }
  return undefined;
}

/** The columns of a contract's Avro record on a server with these capabilities, in field order. */
export function columnsForSchema(topic: string, schema: { fields: AvroField[] }, caps: ServerCapabilities): WarehouseColumn[] {
  const named = new NamedTypes();
  named.collect(schema);
  const columns: WarehouseColumn[] = [];
  for (const field of schema.fields) {
    const expanded = expandField(field, named, caps, topic);
    if (expanded) {
      columns.push(...expanded);
      continue;
    }
    const mapped = mapType(field.type, named, caps);
    if (!mapped) throw new UnsupportedAvroType(topic, field.name, JSON.stringify(field.type));
    columns.push({ name: field.name, type: mapped.type, encoding: mapped.encoding, source: { from: 'field', field: field.name }, ...(field.doc ? { comment: field.doc } : {}) });
  }
  return columns;
}

/** Where each row came from in Kafka: the sink's offset store and the proof of no duplicates. */
export const PROVENANCE_COLUMNS: readonly WarehouseColumn[] = [
  { name: '_topic', type: 'String', encoding: { kind: 'string' }, source: { from: 'kafka', part: 'topic' } },
  { name: '_partition', type: 'Int32', encoding: { kind: 'int32' }, source: { from: 'kafka', part: 'partition' } },
  { name: '_offset', type: 'Int64', encoding: { kind: 'int64' }, source: { from: 'kafka', part: 'offset' } },
];
