import { describe, expect, it } from 'vitest';
import { parseLwm2mSourceConfig } from './config';

const device = { endpoint: 'press-7-sensors', assetPath: 'acme/berlin/press-shop/line-1/press-7', observe: [{ path: '/3303/0/5700' }] };

describe('parseLwm2mSourceConfig', () => {
  it('takes a minimal config with its defaults', () => {
    const result = parseLwm2mSourceConfig({ security: 'noSec', devices: [device] });
    expect(result).toMatchObject({
      ok: true,
      value: { listenHost: '127.0.0.1', listenPort: 5683, devices: [{ observe: [{ path: '/3303/0/5700', contentFormat: 'senml+json' }] }] },
    });
  });

  it('wants the insecure mode said explicitly', () => {
    expect(parseLwm2mSourceConfig({ devices: [device] })).toMatchObject({ ok: false, problems: [{ path: 'security' }] });
  });

  it('names the field of a path that is not a resource, and of a listed endpoint given twice', () => {
    const result = parseLwm2mSourceConfig({ security: 'noSec', devices: [{ ...device, observe: [{ path: '/3303/0' }] }, device, device] });
    expect(result).toMatchObject({ ok: false });
    const paths = !result.ok ? result.problems.map((problem) => problem.path) : [];
    expect(paths).toEqual(expect.arrayContaining(['devices.0.observe.0.path', 'devices.2.endpoint']));
  });

  it('wants signal and type for a resource that is not the Sensor Value of a known IPSO object', () => {
    const result = parseLwm2mSourceConfig({
      security: 'noSec',
      devices: [{ ...device, observe: [{ path: '/3/0/9' }, { path: '/3303/0/5601', signal: 'min_temperature', type: 'float' }] }],
    });
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'devices.0.observe.0.signal' }, { path: 'devices.0.observe.0.type' }] });
  });
});
