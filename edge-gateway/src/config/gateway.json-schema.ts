import { configJsonSchema, type JsonSchema } from '@fieldmesh/connect';
import { connectorCatalog, connectorTypes } from '../connectors.catalog';
import { connectorEntrySchema, gatewayConfigSchema } from './gateway.config';

/** Where the generated schema is kept, relative to the repository root; example configs point editors at it. */
export const GATEWAY_JSON_SCHEMA_FILE = 'edge-gateway/gateway.schema.json';

/**
 * A connector entry as one variant per catalog type, each with that connector's config schema, so that an
 * editor completes and checks `config` once `type` is written.
 */
function connectorVariants(entry: JsonSchema): JsonSchema[] {
  return connectorTypes.map((type) => {
    const spec = connectorCatalog[type];
    const { $schema: _, ...config } = configJsonSchema(spec.config);
    return {
      ...entry,
      properties: {
        ...entry.properties,
        type: { const: type, description: spec.summary },
        config: { ...config, description: `${spec.name} config (docs/components/${spec.name}.md)` },
      },
    };
  });
}

/** The JSON Schema of gateway.yaml (`# yaml-language-server: $schema=…` in a config file uses it). */
export function gatewayJsonSchema(command: string): JsonSchema {
  const schema = configJsonSchema(gatewayConfigSchema, (zodSchema, jsonSchema) => {
    if (zodSchema !== connectorEntrySchema) return;
    const variants = connectorVariants({ ...jsonSchema });
    for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
    jsonSchema.oneOf = variants;
  });
  return {
    ...schema,
    title: 'Fieldmesh edge gateway configuration (gateway.yaml)',
    $comment: `Generated from edge-gateway/src/config/gateway.config.ts and the connector catalog by \`${command}\`; do not edit.`,
  };
}
