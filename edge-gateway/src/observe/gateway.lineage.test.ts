import { describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../config/gateway.config';
import { gatewayLineageJob } from './gateway.lineage';

const config = gatewayConfigSchema.parse({
  gatewayId: 'gw-1',
  stateDir: '/tmp/gw-1',
  kafka: { brokers: ['127.0.0.1:9092'] },
  registryUrl: 'http://127.0.0.1:8081',
  connectors: [
    {
      name: 'json',
      type: 'mqtt',
      config: {
        url: 'mqtt://127.0.0.1:1883',
        clientId: 'gw-1-json',
        format: 'json',
        mappings: [{ topic: 'acme/+site/+area/+line/+asset/+signal', assetPath: 'acme/{site}/{area}/{line}/{asset}' }],
      },
    },
    { name: 'sp', type: 'mqtt', config: { url: 'mqtt://127.0.0.1:1883', clientId: 'gw-1-sp', format: 'sparkplugb', sparkplug: { groupIds: ['berlin'] } } },
    { name: 'ua', type: 'opcua', config: { endpointUrl: 'opc.tcp://127.0.0.1:4840', browse: { rootNodeId: 'i=85' } } },
  ],
});

describe('gateway lineage', () => {
  it('reads the machines’ MQTT topic filters and OPC UA nodes and writes the product topic and its DLQ', () => {
    const job = gatewayLineageJob(config, 'plant.telemetry.raw.v1', { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] });
    expect(job.name).toBe('edge-gateway.gw-1');
    expect(job.inputs.map((d) => `${d.namespace} ${d.name}`)).toEqual([
      'mqtt://127.0.0.1:1883 acme/+/+/+/+/+',
      'mqtt://127.0.0.1:1883 spBv1.0/berlin/#',
      'opcua://127.0.0.1:4840 i=85',
    ]);
    expect(job.outputs.map((d) => d.name)).toEqual(['plant.telemetry.raw.v1', 'plant.telemetry.raw.v1.dlq']);
    expect(job.outputs[0]!.facets).toHaveProperty('schema');
  });
});
