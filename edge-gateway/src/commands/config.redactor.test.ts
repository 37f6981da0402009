import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './config.redactor';

describe('redactSecrets', () => {
  it('replaces passwords, tokens and keys at any depth, and passwords in URLs, keeping where secrets are kept', () => {
    const config = {
      kafka: { security: { protocol: 'SASL_SSL', sasl: { username: 'fieldmesh-gateway-berlin', password: 'kafka-pw-1' } } },
      registryUrl: 'http://registry-user:registry-pw-2@127.0.0.1:8081',
      connectors: [
        { name: 'plant-mqtt', config: { url: 'mqtts://127.0.0.1:8883', username: 'gw', password: 'mqtt-pw-3', tls: { keyFile: '/etc/gw.key' } } },
        { name: 'plant-opcua', config: { userToken: { type: 'username', username: 'gw', passwordFile: '/etc/opcua.password', passwordEnv: 'OPCUA_PW' } } },
        { name: 'cse', config: { headers: { apiKey: 'api-key-4', authToken: 'token-5' }, key: 'raw-key-6', clientSecret: { value: 'secret-7' } } },
      ],
    };
    const redacted = JSON.stringify(redactSecrets(config));
    for (const secret of ['kafka-pw-1', 'registry-pw-2', 'mqtt-pw-3', 'api-key-4', 'token-5', 'raw-key-6', 'secret-7']) expect(redacted).not.toContain(secret);
    expect(redactSecrets(config)).toMatchObject({
      kafka: { security: { sasl: { username: 'fieldmesh-gateway-berlin', password: REDACTED } } },
      registryUrl: `http://registry-user:${REDACTED}@127.0.0.1:8081`,
      connectors: [
        { config: { username: 'gw', password: REDACTED, tls: { keyFile: '/etc/gw.key' } } },
        { config: { userToken: { type: 'username', username: 'gw', passwordFile: '/etc/opcua.password', passwordEnv: 'OPCUA_PW' } } },
        { config: { headers: { apiKey: REDACTED, authToken: REDACTED }, key: REDACTED, clientSecret: { value: REDACTED } } },
      ],
    });
  });

  it('leaves a config without secrets as it was', () => {
    const config = { gatewayId: 'gw-1', buffer: { maxBytes: 1024, fsync: 'always' }, kafka: { brokers: ['127.0.0.1:9092'] }, assets: [] };
    expect(redactSecrets(config)).toEqual(config);
  });
});
