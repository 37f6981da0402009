import { renderComponentHelp, renderComponentList } from '@fieldmesh/connect';
import { connectorCatalog, connectorTypes } from '../connectors.catalog';

const specs = connectorTypes.map((type) => connectorCatalog[type]);

/** `fieldmesh-gateway --help`: commands, options and the connectors a config may name. */
export function gatewayHelp(): string {
  return `fieldmesh-gateway: reads machines through its source connectors (${specs.map((spec) => spec.name).join(', ')}) and publishes Avro telemetry to Kafka.

Usage:
  fieldmesh-gateway run --config gateway.yaml [--root <repo>]   start the gateway (Ctrl-C stops it cleanly)
  fieldmesh-gateway validate --config gateway.yaml               check the config and every connector's config
  fieldmesh-gateway connectors [<type>]                          list the connectors, or show one's config fields
  fieldmesh-gateway --help <type>                                the same for one connector

Options:
  --config <file>   the gateway's YAML configuration (JSON Schema for editors: edge-gateway/gateway.schema.json)
  --root <dir>      where contracts/ and schemas/ are (default: the current directory)
  -h, --help        this text

Connectors (the \`type\` of a \`connectors\` entry):
${renderComponentList(specs)}

Metrics are served at http://<observability.host>:<observability.port>/metrics and health at /health.`;
}

function isConnectorType(type: string): type is keyof typeof connectorCatalog {
  return Object.hasOwn(connectorCatalog, type);
}

/** `fieldmesh-gateway connectors [<type>]`: every connector in one line each, or one connector's fields. */
export function connectorsHelp(type?: string): { text: string; ok: boolean } {
  if (type === undefined) return { text: renderComponentList(specs), ok: true };
  if (!isConnectorType(type)) return { text: `unknown connector '${type}': the gateway has ${connectorTypes.join(', ')}`, ok: false };
  return { text: renderComponentHelp(connectorCatalog[type]), ok: true };
}
