import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@fieldmesh/config';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { connectorCatalog } from '../connectors.catalog';
import { loadGatewayConfig } from './load-gateway-config';

// The example a newcomer copies for a real plant: it must stay what `edge-gateway validate` accepts.
const EXAMPLE = fileURLToPath(new URL('../../examples/plant.gateway.yaml', import.meta.url));

/** Keys written in the YAML that the parsed config no longer has: zod drops unknown keys without a word. */
function droppedKeys(written: unknown, parsed: unknown, path = ''): string[] {
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (Array.isArray(written)) return written.flatMap((item, i) => droppedKeys(item, (parsed as unknown[] | undefined)?.[i], at(i)));
  if (written === null || typeof written !== 'object') return [];
  const kept = (parsed ?? {}) as Record<string, unknown>;
  return Object.entries(written).flatMap(([key, value]) => (key in kept ? droppedKeys(value, kept[key], at(key)) : [at(key)]));
}

async function loadExample() {
  const written = parseYaml(await readFile(EXAMPLE, 'utf8')) as { connectors: Array<{ config: unknown }> };
  const gateway = await loadGatewayConfig(EXAMPLE);
  // As `validate` does: each connector's own config through its spec's schema.
  const connectors = gateway.connectors.map(
    (entry, i) => loadConfig(connectorCatalog[entry.type].config, entry.config, `connectors.${i}.config (${entry.name})`) as Record<string, unknown>,
  );
  return { written, gateway, connectors };
}

describe('edge-gateway/examples/plant.gateway.yaml', () => {
  it('passes the gateway config and every connector config, with MQTT JSON, Sparkplug B and OPC UA', async () => {
    const { gateway, connectors } = await loadExample();
    expect(gateway.connectors.map((c) => c.type)).toEqual(['mqtt', 'mqtt', 'opcua']);
    expect(connectors.map((c) => c.format ?? 'opcua')).toEqual(['json', 'sparkplugb', 'opcua']);
  });

  it('turns security on: mutual TLS to the broker with certificate files, SignAndEncrypt to OPC UA with a PKI folder', async () => {
    const { connectors } = await loadExample();
    for (const mqtt of connectors.slice(0, 2)) {
      expect(mqtt).toMatchObject({
        url: expect.stringMatching(/^mqtts:\/\//),
        tls: { caFile: expect.any(String), certFile: expect.any(String), keyFile: expect.any(String), rejectUnauthorized: true },
      });
    }
    expect(connectors[2]).toMatchObject({ securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256', pkiDir: expect.any(String) });
  });

  it('means every key it sets: none is dropped as unknown by the gateway or a connector', async () => {
    const { written, gateway, connectors } = await loadExample();
    expect(droppedKeys(written, gateway)).toEqual([]);
    expect(written.connectors.flatMap((entry, i) => droppedKeys(entry.config, connectors[i], `connectors.${i}.config`))).toEqual([]);
  });
});
