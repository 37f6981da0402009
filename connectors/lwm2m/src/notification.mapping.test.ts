import { describe, expect, it } from 'vitest';
import { lwm2mSourceConfigSchema } from './config';
import type { Notification } from './lwm2m.server';
import { mapNotification } from './notification.mapping';
import type { Registration } from './registration.store';

const config = lwm2mSourceConfigSchema.parse({
  security: 'noSec',
  devices: [
    {
      endpoint: 'press-7-sensors',
      assetPath: 'acme/berlin/press-shop/line-1/press-7',
      deviceId: 'press-7-box',
      observe: [{ path: '/3303/1/5700' }, { path: '/3328/0/5700', signal: 'spindle_power', unit: 'kW' }, { path: '/3/0/9', signal: 'battery_level', type: 'integer', unit: '%' }],
    },
  ],
});
const device = config.devices[0]!;
const registration: Registration = {
  id: 'reg-1',
  endpoint: 'press-7-sensors',
  address: '127.0.0.1',
  port: 50_000,
  lifetimeSeconds: 60,
  lwm2mVersion: '1.1',
  objects: new Set(['/3/0', '/3303/1', '/3328/0']),
  registeredAt: 0,
  lastSeen: 0,
};

const notification = (index: number, contentFormat: unknown, payload: string): Notification => ({
  registration,
  device,
  observation: device.observe[index]!,
  contentFormat,
  payload: Buffer.from(payload),
  receivedTime: 1_796_644_800_000,
});

describe('mapNotification', () => {
  it('maps an IPSO sensor value to its default signal (with the instance) and unit', () => {
    expect(mapNotification(notification(0, 'application/senml+json', '[{"bn":"/3303/1/5700","v":21.5}]'))).toEqual({
      reading: {
        readingTime: 1_796_644_800_000,
        deviceId: 'press-7-box',
        assetPath: 'acme/berlin/press-shop/line-1/press-7',
        signal: 'temperature_1',
        value: 21.5,
        unit: 'Cel',
        quality: 'GOOD',
        sourceProtocol: 'LWM2M',
        sourceAddress: 'press-7-sensors/3303/1/5700',
        isHistorical: false,
        attributes: { 'lwm2m.endpoint': 'press-7-sensors', 'lwm2m.registrationId': 'reg-1', 'lwm2m.contentFormat': 'senml+json' },
      },
    });
  });

  it("takes the mapping's signal, unit and type over the IPSO defaults", () => {
    expect(mapNotification(notification(1, 'text/plain', '7.5'))).toMatchObject({ reading: { signal: 'spindle_power', unit: 'kW', value: 7.5 } });
    expect(mapNotification(notification(2, undefined, '87'))).toMatchObject({ reading: { signal: 'battery_level', unit: '%', value: 87 } });
  });

  it('rejects, with the payload and a named reason, a format not read, a value of another resource and an undecodable value', () => {
    expect(mapNotification(notification(0, 'application/senml+cbor', '\x81'))).toMatchObject({
      reject: { errorClass: 'ContentFormatUnsupported', sourceAddress: 'press-7-sensors/3303/1/5700', payload: Buffer.from('\x81') },
    });
    expect(mapNotification(notification(0, 'application/senml+json', '[{"bn":"/3303/0/5700","v":1}]'))).toMatchObject({ reject: { errorClass: 'ResourceMissing' } });
    expect(mapNotification(notification(2, 'text/plain', 'full'))).toMatchObject({ reject: { errorClass: 'TextValueInvalid' } });
  });
});
