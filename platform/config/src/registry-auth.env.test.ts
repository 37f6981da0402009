import { describe, expect, it } from 'vitest';
import { REGISTRY_TOKEN_ENV, registryAuthFromEnv } from './registry-auth.env';

describe('registry credentials from the environment', () => {
  it("are FIELDMESH_REGISTRY_TOKEN's token as basic auth password, under the client's name", () => {
    expect(REGISTRY_TOKEN_ENV).toBe('FIELDMESH_REGISTRY_TOKEN');
    expect(registryAuthFromEnv('fieldmesh-serde', { FIELDMESH_REGISTRY_TOKEN: ' fmt_0123abcd_secret \n' })).toEqual({
      username: 'fieldmesh-serde',
      password: 'fmt_0123abcd_secret',
    });
  });

  it('are none when the variable is unset or blank', () => {
    expect(registryAuthFromEnv('fieldmesh-serde', {})).toBeUndefined();
    expect(registryAuthFromEnv('fieldmesh-serde', { FIELDMESH_REGISTRY_TOKEN: '  ' })).toBeUndefined();
  });
});
