import { describe, expect, it } from 'vitest';
import { parseOnem2mSourceConfig } from './config';

const valid = {
  cseUrl: 'http://127.0.0.1:8080',
  cseBaseName: 'cse-in',
  originator: 'Cfieldmesh-gw-berlin-1',
  mappings: [{ container: 'press-7/temperature', assetPath: 'acme/berlin/press-shop/line-1/press-7', signal: 'oil_temperature' }],
};

describe('oneM2M source config', () => {
  it('fills the defaults', () => {
    expect(parseOnem2mSourceConfig(valid)).toMatchObject({
      ok: true,
      value: { aeName: 'fieldmesh-gateway', releaseVersion: '3', notificationPort: 0, mappings: [{ valuePointer: '' }] },
    });
  });

  it('names each bad field', () => {
    const result = parseOnem2mSourceConfig({
      ...valid,
      cseUrl: 'mqtt://127.0.0.1:1883',
      originator: 'gateway',
      mappings: [{ container: '/press-7/', assetPath: 'a', signal: 's', valuePointer: 'value' }],
      extra: 1,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.path).sort()).toEqual(['cseUrl', 'extra', 'mappings.0.container', 'mappings.0.valuePointer', 'originator']);
    expect(result.problems.find((problem) => problem.path === 'originator')?.message).toContain('starting with C or S');
  });

  it('refuses a config that maps no container', () => {
    expect(parseOnem2mSourceConfig({ ...valid, mappings: [] })).toMatchObject({
      ok: false,
      problems: [{ path: 'mappings', message: expect.stringContaining('at least one container') }],
    });
  });
});
