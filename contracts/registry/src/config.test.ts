import { ConfigInvalid } from '@fieldmesh/config';
import { describe, expect, it } from 'vitest';
import { registryConfigFromEnv, resolveAllowedHosts } from './config';

describe('registryConfigFromEnv', () => {
  it('applies the documented defaults', () => {
    expect(registryConfigFromEnv({ FIELDMESH_KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093' })).toEqual({
      port: 8081,
      host: '127.0.0.1',
      brokers: ['127.0.0.1:9092', '127.0.0.1:9093'],
      topic: '_schemas',
      allowUnauthenticatedNetworkBind: false,
    });
  });

  it('reads the accepted host names and the opt-out of the network bind refusal', () => {
    const config = registryConfigFromEnv({
      FIELDMESH_KAFKA_BROKERS: '127.0.0.1:9092',
      FIELDMESH_REGISTRY_ALLOWED_HOSTS: 'Registry.Plant.local, 10.0.0.5,[fd00::5]',
      FIELDMESH_REGISTRY_ALLOW_UNAUTHENTICATED_NETWORK_BIND: 'true',
    });
    expect(config.allowedHosts).toEqual(['registry.plant.local', '10.0.0.5', '[fd00::5]']);
    expect(config.allowUnauthenticatedNetworkBind).toBe(true);
  });

  it('names the variable and the entry when a host name carries a port or scheme, or the flag is not a boolean', () => {
    try {
      registryConfigFromEnv({
        FIELDMESH_KAFKA_BROKERS: '127.0.0.1:9092',
        FIELDMESH_REGISTRY_ALLOWED_HOSTS: 'localhost,registry.plant.local:8081,http://x',
        FIELDMESH_REGISTRY_ALLOW_UNAUTHENTICATED_NETWORK_BIND: 'sure',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigInvalid);
      expect((error as ConfigInvalid).problems).toEqual([
        { path: 'FIELDMESH_REGISTRY_ALLOWED_HOSTS.1', message: expect.stringContaining('without scheme or port') },
        { path: 'FIELDMESH_REGISTRY_ALLOWED_HOSTS.2', message: expect.stringContaining('without scheme or port') },
        { path: 'FIELDMESH_REGISTRY_ALLOW_UNAUTHENTICATED_NETWORK_BIND', message: "must be 'true' or 'false'" },
      ]);
    }
  });

  it('runs governed when a tokens file is given, with the default audit and lineage topics', () => {
    expect(registryConfigFromEnv({ FIELDMESH_KAFKA_BROKERS: '127.0.0.1:9092', FIELDMESH_REGISTRY_TOKENS_FILE: '/etc/fieldmesh/tokens.json' }).governance).toEqual({
      tokensFile: '/etc/fieldmesh/tokens.json',
      auditTopic: '_fieldmesh.contract-audit',
      lineageTopic: '_fieldmesh.lineage',
    });
  });

  it('names every variable that is missing or wrong', () => {
    try {
      registryConfigFromEnv({ FIELDMESH_REGISTRY_PORT: '70000' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigInvalid);
      expect((error as ConfigInvalid).problems.map((problem) => problem.path).sort()).toEqual(['FIELDMESH_KAFKA_BROKERS', 'FIELDMESH_REGISTRY_PORT']);
    }
  });
});

describe('resolveAllowedHosts', () => {
  it('defaults to the loopback names and the bind host', () => {
    expect(resolveAllowedHosts({ host: '10.0.0.5' })).toEqual(['localhost', '127.0.0.1', '[::1]', '10.0.0.5']);
  });

  it('validates a list given in process, naming the field', () => {
    expect(resolveAllowedHosts({ host: '127.0.0.1', allowedHosts: ['Registry.Plant.local'] })).toEqual(['registry.plant.local']);
    expect(() => resolveAllowedHosts({ host: '127.0.0.1', allowedHosts: ['localhost:8081'] })).toThrow(/allowedHosts\.0: must be a host name/);
    expect(() => resolveAllowedHosts({ host: '127.0.0.1', allowedHosts: [] })).toThrow(/allowedHosts: must name at least one host/);
  });
});
