import { describe, expect, it } from 'vitest';
import { UnauthenticatedNetworkBind } from './errors';
import { checkNetworkBind, isLoopbackHost } from './network-bind.check';

describe('isLoopbackHost', () => {
  it('knows the loopback addresses in every spelling', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
  });

  it('counts wildcard, network addresses and other names as network', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '::ffff:10.0.0.1', 'registry.plant.local']) expect(isLoopbackHost(host), host).toBe(false);
  });
});

describe('checkNetworkBind', () => {
  it('refuses a non-loopback address without authentication, naming the settings that fix it', () => {
    const attempt = () => checkNetworkBind({ host: '0.0.0.0', authenticated: false });
    expect(attempt).toThrow(UnauthenticatedNetworkBind);
    expect(attempt).toThrow(/^Refusing to listen on 0\.0\.0\.0 without authentication/);
    for (const setting of [
      'governance.tokensFile',
      'FIELDMESH_REGISTRY_TOKENS_FILE',
      'FIELDMESH_REGISTRY_HOST=127.0.0.1',
      'allowUnauthenticatedNetworkBind',
      'FIELDMESH_REGISTRY_ALLOW_UNAUTHENTICATED_NETWORK_BIND=true',
    ]) {
      expect(attempt).toThrow(setting);
    }
  });

  it('allows loopback open, and any address with authentication, without a warning', () => {
    expect(checkNetworkBind({ host: '127.0.0.1', authenticated: false })).toBeUndefined();
    expect(checkNetworkBind({ host: '0.0.0.0', authenticated: true })).toBeUndefined();
  });

  it('returns the warning to log when the refusal is explicitly opted out of', () => {
    expect(checkNetworkBind({ host: '10.0.0.5', authenticated: false, allowUnauthenticatedNetworkBind: true })).toMatch(
      /^Listening on 10\.0\.0\.5 without authentication because allowUnauthenticatedNetworkBind .* is set: anyone who reaches this address can register/,
    );
  });
});
