import { describe, expect, it } from 'vitest';
import { registryClientEnv, registryService } from './registry.service';

const settings = { ports: { http: 18081 }, secrets: registryService.createSecrets() };

describe('the stack registry service', () => {
  it('makes a service and a governance lead token once, with the stack, in the token format', () => {
    expect(settings.secrets).toEqual({ serviceToken: expect.stringMatching(/^fmt_[0-9a-f]{8}_/), leadToken: expect.stringMatching(/^fmt_[0-9a-f]{8}_/) });
    expect(settings.secrets.serviceToken).not.toBe(settings.secrets.leadToken);
  });

  it('tells where the registry is, its tokens and the 0600 files that hold them alone', () => {
    expect(registryService.addresses(settings, '/stacks/a')).toEqual({
      registryUrl: 'http://127.0.0.1:18081',
      registryToken: settings.secrets.serviceToken,
      registryTokenFile: '/stacks/a/registry/service.token',
      registryLeadToken: settings.secrets.leadToken,
      registryLeadTokenFile: '/stacks/a/registry/lead.token',
    });
  });

  it("gives registry clients the service token in FIELDMESH_REGISTRY_TOKEN, or the lead's when asked", () => {
    const addresses = registryService.addresses(settings, '/stacks/a');
    expect(registryClientEnv(addresses)).toEqual({ FIELDMESH_REGISTRY_TOKEN: settings.secrets.serviceToken });
    expect(registryClientEnv(addresses, 'lead')).toEqual({ FIELDMESH_REGISTRY_TOKEN: settings.secrets.leadToken });
  });

  it('says to restart a stack made before its registry ran governed, which has no tokens', () => {
    const old = registryService.addresses({ ports: { http: 18081 }, secrets: {} }, '/stacks/old');
    expect(old).toEqual({ registryUrl: 'http://127.0.0.1:18081' });
    expect(() => registryClientEnv(old)).toThrow("Restart the stack ('npm run stack -- down', then 'up')");
    expect(() => registryClientEnv({})).toThrow('the stack has no registry');
  });
});
