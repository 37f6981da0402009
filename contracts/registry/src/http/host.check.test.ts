import { describe, expect, it } from 'vitest';
import { defaultAllowedHosts, hostOf, refuseUnknownHost } from './host.check';

const withHost = (host: string | undefined) => ({ method: 'GET', path: '/subjects', headers: host === undefined ? {} : { host }, socket: {} });

describe('defaultAllowedHosts', () => {
  it('answers for the loopback names and the bind host, but never for a wildcard address', () => {
    expect(defaultAllowedHosts('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(defaultAllowedHosts('10.0.0.5')).toEqual(['localhost', '127.0.0.1', '[::1]', '10.0.0.5']);
    expect(defaultAllowedHosts('fd00::5')).toEqual(['localhost', '127.0.0.1', '[::1]', '[fd00::5]']);
    expect(defaultAllowedHosts('0.0.0.0')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(defaultAllowedHosts('::')).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });
});

describe('hostOf', () => {
  it('drops the port, the case and a trailing dot, and keeps IPv6 brackets', () => {
    expect(hostOf('Registry.Plant.local:8081')).toBe('registry.plant.local');
    expect(hostOf('registry.plant.local.')).toBe('registry.plant.local');
    expect(hostOf('[::1]:8081')).toBe('[::1]');
    expect(hostOf('127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('refuseUnknownHost', () => {
  const check = refuseUnknownHost(defaultAllowedHosts('127.0.0.1'));

  it('lets through the allowed names on any port', () => {
    for (const host of ['localhost:8081', '127.0.0.1:41234', '[::1]:8081', 'LOCALHOST', '127.0.0.1']) expect(check(withHost(host)), host).toBeUndefined();
  });

  it('refuses another name with 421 naming the host, the accepted names and the setting to change', () => {
    const refusal = check(withHost('attacker.example:8081'));
    expect(refusal?.httpStatus).toBe(421);
    expect(refusal?.toBody()).toEqual({
      error_code: 421,
      message:
        "HTTP 421 Misdirected Request: this registry does not answer for host 'attacker.example' (a guard against DNS rebinding); it answers for localhost, 127.0.0.1, [::1]. " +
        'If clients reach it by that name, add it to allowedHosts (FIELDMESH_REGISTRY_ALLOWED_HOSTS, comma-separated).',
    });
  });

  it('refuses a request without a Host header, and a name that only starts like an allowed one', () => {
    expect(check(withHost(undefined))?.toBody().message).toContain("host '(no Host header)'");
    expect(check(withHost('localhost.attacker.example'))?.httpStatus).toBe(421);
    expect(check(withHost('0.0.0.0:8081'))?.httpStatus).toBe(421);
  });

  it('answers for exactly the configured names when a list is given', () => {
    const configured = refuseUnknownHost(['registry.plant.local']);
    expect(configured(withHost('registry.plant.local:8081'))).toBeUndefined();
    expect(configured(withHost('localhost:8081'))?.httpStatus).toBe(421);
  });
});
