import type { z } from 'zod';
import { objectUnion } from './config.fields';
import { configJsonSchema, type JsonSchema } from './config.json-schema';

export interface ConfigExample {
  /** The variant it shows, e.g. `format: json`; absent when the config has one shape. */
  variant?: string;
  config: Record<string, unknown>;
}

/** A field's own example, else an object of its fields' examples; undefined when nothing has one. */
function exampleOf(schema: JsonSchema): unknown {
  if (schema.examples?.length) return schema.examples[0];
  if (!schema.properties) return undefined;
  const entries = Object.entries(schema.properties)
    .map(([key, property]) => [key, typeof property === 'object' ? exampleOf(property) : undefined] as const)
    .filter(([, value]) => value !== undefined);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * A config with every field set to its declared example, one per variant when the config is a union
 * (MQTT's `format: json` and `format: sparkplugb`). Tests parse each with the connector's schema, so a
 * field example that the schema refuses, or a required field without one, fails there.
 */
export function configExamples(schema: z.ZodType): ConfigExample[] {
  const jsonSchema = configJsonSchema(schema);
  const union = objectUnion(jsonSchema);
  if (!union) return [{ config: (exampleOf(jsonSchema) ?? {}) as Record<string, unknown> }];
  return union.variants.map(({ value, schema: variant }) => ({
    variant: `${union.key}: ${String(value)}`,
    config: { [union.key]: value, ...((exampleOf(variant) ?? {}) as Record<string, unknown>) },
  }));
}
