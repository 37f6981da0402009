import { ConfigInvalid } from '@fieldmesh/config';
import { describe, expect, it } from 'vitest';
import { registryConfigFromEnv } from './config';

describe('registryConfigFromEnv', () => {
  it('applies the documented defaults', () => {
    expect(registryConfigFromEnv({ FIELDMESH_KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093' })).toEqual({
      port: 8081,
      host: '127.0.0.1',
      brokers: ['127.0.0.1:9092', '127.0.0.1:9093'],
      topic: '_schemas',
    });
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
