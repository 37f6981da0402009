import { parseWith } from '@fieldmesh/config';
import { describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../config/gateway.config';

const base = {
  gatewayId: 'gw-berlin-1',
  stateDir: '/var/lib/fieldmesh/gw-berlin-1',
  kafka: { brokers: ['127.0.0.1:9092'] },
  registryUrl: 'http://127.0.0.1:8081',
  connectors: [
    {
      name: 'plant-mqtt',
      type: 'mqtt',
      config: { url: 'mqtt://127.0.0.1:1883', clientId: 'gw-1', format: 'json', mappings: [{ topic: 'a/+asset/+signal', assetPath: 'acme/{asset}' }] },
    },
  ],
};

describe('desiredState in the gateway config', () => {
  it('needs commands beside it, whose heartbeats carry each version’s outcome, and says so when validated', () => {
    const result = parseWith(gatewayConfigSchema, { ...base, desiredState: { siteCaFile: '/srv/ca.crt.pem' } });
    expect(result.ok ? [] : result.problems).toEqual([{ path: 'commands', message: "is required with desiredState: the heartbeats carry each version's outcome" }]);
    expect(parseWith(gatewayConfigSchema, { ...base, commands: {}, desiredState: { siteCaFile: '/srv/ca.crt.pem' } }).ok).toBe(true);
  });

  it('names a bad gate by its path', () => {
    const result = parseWith(gatewayConfigSchema, { ...base, commands: {}, desiredState: { siteCaFile: '/srv/ca.crt.pem', gates: { maxDeadLetterRatio: 2 } } });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(['desiredState.gates.maxDeadLetterRatio']);
  });
});
