import { z } from 'zod';

export type JsonSchema = z.core.JSONSchema.JSONSchema;

/**
 * The JSON Schema of what a user writes for a config (zod's input side: defaulted fields are optional),
 * in draft-07, the draft editors' YAML and JSON language servers support best. Refinements that JSON
 * Schema cannot say (e.g. "nodes or browse") are left to the zod parse the runtime does.
 */
export function configJsonSchema(schema: z.ZodType, override?: (zodSchema: unknown, jsonSchema: JsonSchema) => void): JsonSchema {
  return z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-07',
    ...(override ? { override: (context: { zodSchema: unknown; jsonSchema: JsonSchema }) => override(context.zodSchema, context.jsonSchema) } : {}),
  });
}
