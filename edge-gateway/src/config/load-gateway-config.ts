import { readFile } from 'node:fs/promises';
import { ConfigInvalid, loadConfig } from '@fieldmesh/config';
import { parse as parseYaml } from 'yaml';
import { type GatewayConfig, gatewayConfigSchema } from './gateway.config';

/** Reads and validates a gateway YAML file; the error lists every bad field by path (or the YAML syntax error). */
export async function loadGatewayConfig(file: string): Promise<GatewayConfig> {
  const text = await readFile(file, 'utf8');
  let document: unknown;
  try {
    // Warnings (unknown tags) are left to the schema, which rejects what they produce.
    document = parseYaml(text, { logLevel: 'error' });
  } catch (error) {
    throw new ConfigInvalid(file, [{ path: '(root)', message: `not valid YAML: ${(error as Error).message}` }]);
  }
  return loadConfig(gatewayConfigSchema, document, file);
}
