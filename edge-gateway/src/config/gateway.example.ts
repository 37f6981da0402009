import { configExamples } from '@fieldmesh/connect';
import type { ConnectorType } from '../connectors.catalog';
import { gatewayConfigSchema } from './gateway.config';

/**
 * A whole gateway.yaml around one connector's config: the gateway's own fields at their examples and one
 * `connectors` entry, so that a connector's docs show a file `fieldmesh-gateway validate` accepts.
 */
export function gatewayExampleFor(type: ConnectorType, config: Record<string, unknown>): Record<string, unknown> {
  const [gateway] = configExamples(gatewayConfigSchema);
  return { ...gateway!.config, connectors: [{ name: `plant-${type}`, type, config }] };
}
