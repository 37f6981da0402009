import { connectorCatalog } from '@fieldmesh/edge-gateway';
import { describe, expect, it } from 'vitest';
import { gatewayConfigFor } from './plant-gateway.config';

describe('gatewayConfigFor', () => {
  const config = gatewayConfigFor({
    gatewayId: 'gw-test',
    stateDir: '/tmp/gw-test',
    kafkaBrokers: '127.0.0.1:9092',
    registryUrl: 'http://127.0.0.1:8081',
    mqttUrl: 'mqtt://127.0.0.1:1883',
    opcuaEndpoint: 'opc.tcp://127.0.0.1:4840',
  });

  it('gives every connector a config its own schema accepts whole, with no key it would ignore', () => {
    for (const connector of config.connectors) {
      expect(() => connectorCatalog[connector.type].config.parse(connector.config), connector.name).not.toThrow();
    }
  });

  it('samples and publishes the OPC UA plant every 250 ms, not at the connector defaults', () => {
    const opcua = config.connectors.find((connector) => connector.type === 'opcua');
    const settings = connectorCatalog.opcua.config.parse(opcua?.config);
    expect(settings.subscription).toMatchObject({ samplingInterval: 250, publishingInterval: 250 });
  });
});
