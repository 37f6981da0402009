import { connectorCatalog } from '@fieldmesh/edge-gateway';
import { describe, expect, it } from 'vitest';
import { gatewayConfigFor } from './plant-gateway.config';

describe('gatewayConfigFor', () => {
  const config = gatewayConfigFor({
    gatewayId: 'gw-test',
    stateDir: '/tmp/gw-test',
    kafkaBrokers: '127.0.0.1:9092',
    registryUrl: 'http://127.0.0.1:8081',
    mqttUrl: 'mqtts://127.0.0.1:8883',
    mqttTls: { caFile: '/tmp/gw-test/ca.pem', certFile: '/tmp/gw-test/gw-test.crt', keyFile: '/tmp/gw-test/gw-test.key' },
    opcua: {
      endpointUrl: 'opc.tcp://127.0.0.1:4840',
      pkiDir: '/tmp/gw-test/opcua-pki',
      applicationUri: 'urn:fieldmesh:gateway:gw-test',
      username: 'gw-test',
      passwordFile: '/tmp/gw-test/secrets/opcua-gateway.password',
    },
  });

  it('reaches the OPC UA plant with SignAndEncrypt, its own trust list and a password from a file, never None', () => {
    const opcua = config.connectors.find((connector) => connector.type === 'opcua');
    const settings = connectorCatalog.opcua.config.parse(opcua?.config);
    expect(settings).toMatchObject({
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Aes256_Sha256_RsaPss',
      allowSecurityNone: false,
      pkiDir: '/tmp/gw-test/opcua-pki',
      userIdentity: { type: 'username', username: 'gw-test', passwordFile: '/tmp/gw-test/secrets/opcua-gateway.password' },
    });
    expect(JSON.stringify(opcua?.config)).not.toMatch(/"password"/);
  });

  it('gives every connector a config its own schema accepts whole, with no key it would ignore', () => {
    for (const connector of config.connectors) {
      expect(() => connectorCatalog[connector.type].config.parse(connector.config), connector.name).not.toThrow();
    }
  });

  it('connects both MQTT connectors with the gateway certificate from the site CA', () => {
    for (const connector of config.connectors.filter((c) => c.type === 'mqtt')) {
      const settings = connectorCatalog.mqtt.config.parse(connector.config);
      expect(settings, connector.name).toMatchObject({ url: 'mqtts://127.0.0.1:8883', tls: { caFile: '/tmp/gw-test/ca.pem', certFile: '/tmp/gw-test/gw-test.crt' } });
    }
  });

  it('samples and publishes the OPC UA plant every 250 ms, not at the connector defaults', () => {
    const opcua = config.connectors.find((connector) => connector.type === 'opcua');
    const settings = connectorCatalog.opcua.config.parse(opcua?.config);
    expect(settings.subscription).toMatchObject({ samplingInterval: 250, publishingInterval: 250 });
  });
});
