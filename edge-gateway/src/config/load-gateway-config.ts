import { readFile } from 'node:fs/promises';
import { loadConfig } from '@fieldmesh/config';
import { parse as parseYaml } from 'yaml';
import { type GatewayConfig, gatewayConfigSchema } from './gateway.config';

/** Reads and validates a gateway YAML file; the error lists every bad field by path. */
export async function loadGatewayConfig(file: string): Promise<GatewayConfig> {
  return loadConfig(gatewayConfigSchema, parseYaml(await readFile(file, 'utf8')), file);
}
