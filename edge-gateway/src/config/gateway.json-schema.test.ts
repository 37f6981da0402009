import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configExamples } from '@fieldmesh/connect';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { connectorCatalog, connectorTypes } from '../connectors.catalog';
import { gatewayConfigSchema } from './gateway.config';
import { gatewayExampleFor } from './gateway.example';
import { gatewayJsonSchema } from './gateway.json-schema';

// Formats are an editor's business (zod emits some ajv does not know); structure is what this checks.
const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(gatewayJsonSchema('npm run docs:generate'));
const valid = (document: unknown) => validate(document) === true;
const examples = connectorTypes.flatMap((type) =>
  configExamples(connectorCatalog[type].config).map(({ variant, config }) => ({ type, variant, document: gatewayExampleFor(type, config) })),
);

describe('the JSON Schema of gateway.yaml', () => {
  it.each(examples)('accepts the $type example $variant that the gateway accepts', ({ document }) => {
    expect(gatewayConfigSchema.safeParse(document).success).toBe(true);
    expect(valid(document), JSON.stringify(validate.errors)).toBe(true);
  });

  it('offers exactly the catalog types', () => {
    const [example] = examples;
    expect(valid({ ...example!.document, connectors: [{ name: 'plc', type: 'modbus', config: {} }] })).toBe(false);
    const items = (gatewayJsonSchema('x').properties!.connectors as { items: { oneOf: Array<{ properties: { type: { const: string } } }> } }).items;
    expect(items.oneOf.map((variant) => variant.properties.type.const)).toEqual(connectorTypes);
  });

  it("checks a connector's config against the schema of the type it names", () => {
    const mqtt = examples.find((example) => example.type === 'mqtt')!.document as { connectors: Array<{ config: Record<string, unknown> }> };
    const { url: _, ...withoutUrl } = mqtt.connectors[0]!.config;
    expect(valid({ ...mqtt, connectors: [{ ...mqtt.connectors[0], config: withoutUrl }] })).toBe(false);
    expect(valid({ ...mqtt, connectors: [{ ...mqtt.connectors[0], type: 'opcua' }] })).toBe(false);
    expect(valid({ ...mqtt, connectors: [{ ...mqtt.connectors[0], config: { ...mqtt.connectors[0]!.config, protocolVersion: 3 } }] })).toBe(false);
  });

  it('flags a key the gateway would refuse as unknown, such as an OPC UA samplingInterval outside subscription', () => {
    const opcua = examples.find((example) => example.type === 'opcua')!.document as { connectors: Array<{ config: Record<string, unknown> }> };
    expect(valid({ ...opcua, connectors: [{ ...opcua.connectors[0], config: { ...opcua.connectors[0]!.config, samplingInterval: 250 } }] })).toBe(false);
    expect(valid({ ...opcua, bufer: { maxBytes: '64MiB' } })).toBe(false);
  });

  it('accepts the plant example an editor opens first', () => {
    const file = fileURLToPath(new URL('../../examples/plant.gateway.yaml', import.meta.url));
    expect(existsSync(file), `${file} is the example the README points newcomers to`).toBe(true);
    expect(valid(parseYaml(readFileSync(file, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('the gateway config', () => {
  it('takes its connector types from the catalog, each keyed by its spec name', () => {
    expect(gatewayConfigSchema.shape.connectors.element.shape.type.options).toEqual(Object.keys(connectorCatalog));
    for (const type of connectorTypes) expect(connectorCatalog[type].name).toBe(type);
  });

  it("reports a connector's config problems with the gateway's own, each by its full path", () => {
    const [example] = examples;
    const result = gatewayConfigSchema.safeParse({
      ...example!.document,
      gatewayId: 'GW',
      connectors: [{ name: 'plant-mqtt', type: 'mqtt', config: { format: 'json', url: 'http://x' } }],
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toEqual(
      expect.arrayContaining(['gatewayId', 'connectors.0.config.url', 'connectors.0.config.clientId', 'connectors.0.config.mappings']),
    );
  });

  it('reports an unknown connector type once, without a config check', () => {
    const [example] = examples;
    const result = gatewayConfigSchema.safeParse({ ...example!.document, connectors: [{ name: 'plc', type: 'modbus', config: {} }] });
    expect(result.error!.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['connectors.0.type', 'Invalid option: expected one of "mqtt"|"opcua"|"onem2m"|"lwm2m"'],
    ]);
  });
});
