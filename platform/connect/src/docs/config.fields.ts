import type { z } from 'zod';
import { configJsonSchema, type JsonSchema } from './config.json-schema';

/** One field of a connector config as docs and `--help` show it. */
export interface ConfigField {
  /** Dotted path; `[]` stands for any element of a list, e.g. `mappings[].topic`. */
  path: string;
  type: string;
  /** Must be written (no default, not optional). */
  required: boolean;
  default?: unknown;
  description?: string;
  example?: unknown;
  /** The field belongs to one variant of a union, e.g. `format: json`. */
  when?: string;
}

/** A union of object variants told apart by one property holding a constant (zod's discriminated union). */
export interface ObjectUnion {
  key: string;
  variants: Array<{ value: string | number | boolean | null; schema: JsonSchema }>;
}

const join = (prefix: string, key: string) => (prefix === '' ? key : `${prefix}.${key}`);
const both = (outer: string | undefined, inner: string) => (outer === undefined ? inner : `${outer}, ${inner}`);
const asSchema = (value: unknown): JsonSchema | undefined => (typeof value === 'object' && value !== null ? (value as JsonSchema) : undefined);

export function objectUnion(schema: JsonSchema): ObjectUnion | undefined {
  const variants = schema.oneOf ?? schema.anyOf;
  if (!variants || !variants.every((variant) => variant.properties)) return undefined;
  const key = Object.keys(variants[0]!.properties!).find((name) => variants.every((variant) => asSchema(variant.properties![name])?.const !== undefined));
  if (key === undefined) return undefined;
  return { key, variants: variants.map((variant) => ({ value: asSchema(variant.properties![key])!.const!, schema: variant })) };
}

/** The type as a user writes it: `string`, `integer`, `"None" | "Sign"`, `array of object`, `map of string`. */
export function typeName(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return objectUnion(schema) ? 'object' : [...new Set(variants.map(typeName))].join(' | ');
  if (schema.type === 'array') return `array of ${asSchema(schema.items) ? typeName(schema.items as JsonSchema) : 'any'}`;
  if (schema.type === 'object' && !schema.properties && asSchema(schema.additionalProperties)) {
    return `map of ${typeName(schema.additionalProperties as JsonSchema) || 'any'}`;
  }
  return Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
}

function fieldOf(path: string, schema: JsonSchema, required: boolean, when: string | undefined): ConfigField {
  return {
    path,
    type: typeName(schema),
    required: required && schema.default === undefined,
    ...(schema.default !== undefined ? { default: schema.default } : {}),
    ...(schema.description !== undefined ? { description: schema.description } : {}),
    ...(schema.examples?.length ? { example: schema.examples[0] } : {}),
    ...(when !== undefined ? { when } : {}),
  };
}

function walkObject(schema: JsonSchema, prefix: string, when: string | undefined, out: ConfigField[]): void {
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const child = asSchema(property);
    if (child) walk(child, join(prefix, key), schema.required?.includes(key) ?? false, when, out);
  }
}

/**
 * The variants' fields: those every variant declares alike once, the others marked with the variant
 * they belong to. The discriminator is one field whose type lists every variant's value.
 */
function walkUnion(union: ObjectUnion, prefix: string, when: string | undefined, out: ConfigField[]): void {
  const discriminator = join(prefix, union.key);
  const first = union.variants[0]!.schema;
  out.push({
    ...fieldOf(discriminator, asSchema(first.properties![union.key])!, true, when),
    type: union.variants.map((variant) => JSON.stringify(variant.value)).join(' | '),
  });
  const shared = (key: string) =>
    union.variants.every(
      ({ schema }) => JSON.stringify(schema.properties?.[key]) === JSON.stringify(first.properties![key]) && schema.required?.includes(key) === first.required?.includes(key),
    );
  const common = Object.keys(first.properties!).filter((key) => key !== union.key && shared(key));
  walkObject({ properties: Object.fromEntries(common.map((key) => [key, first.properties![key]!])), required: first.required ?? [] }, prefix, when, out);
  for (const { value, schema } of union.variants) {
    const own = Object.keys(schema.properties!).filter((key) => key !== union.key && !common.includes(key));
    const properties = Object.fromEntries(own.map((key) => [key, schema.properties![key]!]));
    walkObject({ properties, required: schema.required ?? [] }, prefix, both(when, `${discriminator}: ${String(value)}`), out);
  }
}

function walk(schema: JsonSchema, path: string, required: boolean, when: string | undefined, out: ConfigField[]): void {
  out.push(fieldOf(path, schema, required, when));
  descend(schema, path, when, out);
}

function descend(schema: JsonSchema, path: string, when: string | undefined, out: ConfigField[]): void {
  const union = objectUnion(schema);
  if (union) walkUnion(union, path, when, out);
  else if (schema.properties) walkObject(schema, path, when, out);
  else if (schema.type === 'array' && asSchema(schema.items)) descend(schema.items as JsonSchema, `${path}[]`, when, out);
}

/** Every field of a config schema, parents before their children, in declaration order. */
export function configFields(schema: z.ZodType): ConfigField[] {
  const out: ConfigField[] = [];
  descend(configJsonSchema(schema), '', undefined, out);
  return out;
}
