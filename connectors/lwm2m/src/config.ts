import { parseWith, type ParseResult } from '@fieldmesh/config';
import { z } from 'zod';
import { ipsoDefaults, parseResourcePath } from './ipso.objects';

export const CONTENT_FORMATS = ['senml+json', 'tlv', 'text'] as const;
export type ContentFormatName = (typeof CONTENT_FORMATS)[number];

const observation = z.strictObject({
  path: z
    .string()
    .refine((path) => parseResourcePath(path) !== undefined, 'must be a resource path /object/instance/resource such as /3303/0/5700')
    .describe('Resource the server observes on each registered device: /object/instance/resource.')
    .meta({ examples: ['/3303/0/5700'] }),
  signal: z
    .string()
    .min(1)
    .optional()
    .describe("Signal name of the readings; defaults to the IPSO object's name for a Sensor Value (5700), e.g. temperature for /3303/0/5700, temperature_1 for /3303/1/5700.")
    .meta({ examples: ['oil_temperature'] }),
  unit: z
    .string()
    .min(1)
    .optional()
    .describe("UCUM unit of the value; defaults to the IPSO object's usual unit (3303 Cel, 3304 %, 3316 V, 3317 A, 3328 W, …).")
    .meta({ examples: ['Cel'] }),
  type: z
    .enum(['float', 'integer', 'string', 'boolean'])
    .optional()
    .describe('LwM2M data type of the resource, needed to decode TLV and plain text; defaults to float for an IPSO Sensor Value.')
    .meta({ examples: ['float'] }),
  contentFormat: z
    .enum(CONTENT_FORMATS)
    .default('senml+json')
    .describe('Content format asked for (CoAP Accept): senml+json (110), tlv (11542) or text (0, plain text).')
    .meta({ examples: ['senml+json'] }),
});

const device = z.strictObject({
  endpoint: z
    .string()
    .min(1)
    .max(255)
    .describe('LwM2M endpoint client name the device registers with (`ep`); a device not listed is refused (4.03).')
    .meta({ examples: ['press-7-sensors'] }),
  assetPath: z
    .string()
    .min(1)
    .describe('ISA-95 asset path enterprise/site/area/line/asset of its readings.')
    .meta({ examples: ['acme/berlin/press-shop/line-1/press-7'] }),
  deviceId: z
    .string()
    .min(1)
    .optional()
    .describe('Device id of its readings; defaults to the endpoint name.')
    .meta({ examples: ['press-7-sensor-box'] }),
  observe: z
    .array(observation)
    .min(1, 'observe at least one resource, otherwise nothing is read')
    .describe('Resources observed at each registration of the device, each mapped to a signal and unit.')
    .meta({ examples: [[{ path: '/3303/0/5700' }, { path: '/3316/0/5700', signal: 'supply_voltage' }]] }),
});

export const lwm2mSourceConfigSchema = z
  .strictObject({
    listenHost: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Address the LwM2M server (CoAP over UDP) listens on; devices register to it.')
      .meta({ examples: ['0.0.0.0'] }),
    listenPort: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(5683)
      .describe("UDP port of the LwM2M server; 5683 is CoAP's; 0 picks a free one (tests).")
      .meta({ examples: [5683] }),
    security: z
      .enum(['noSec'])
      .describe(
        'Transport security. Only noSec (plain CoAP: readings unencrypted, devices not authenticated beyond their endpoint name) exists yet, because no well-kept DTLS server for Node is available; it must be chosen explicitly and the connector warns at each start.',
      )
      .meta({ examples: ['noSec'] }),
    devices: z
      .array(device)
      .min(1, 'list at least one device endpoint, otherwise every registration is refused')
      .describe('Devices allowed to register, each with its asset and the resources observed on it.')
      .meta({ examples: [[{ endpoint: 'press-7-sensors', assetPath: 'acme/berlin/press-shop/line-1/press-7', observe: [{ path: '/3303/0/5700' }] }]] }),
    minLifetimeSeconds: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('Shortest registration lifetime (`lt`) accepted; a shorter one is refused (4.00) so that devices cannot flood the server with updates.')
      .meta({ examples: [60] }),
    lifetimeGraceMs: z
      .number()
      .int()
      .min(0)
      .max(3_600_000)
      .default(2000)
      .describe('How long after its lifetime ends a registration without update is dropped (its observations with it).')
      .meta({ examples: [2000] }),
    requestTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(10_000)
      .describe('Timeout of each observe request to a device, ms.')
      .meta({ examples: [10_000] }),
    maxBatchSize: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1000)
      .describe('Most readings and rejects handed to the gateway in one batch.')
      .meta({ examples: [1000] }),
    maxBufferedNotifications: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(100_000)
      .describe('Notifications held while the gateway is not reading; beyond it the oldest are dropped and counted.')
      .meta({ examples: [100_000] }),
  })
  .superRefine((config, ctx) => {
    const endpoints = new Set<string>();
    config.devices.forEach((entry, deviceIndex) => {
      if (endpoints.has(entry.endpoint)) {
        ctx.addIssue({ code: 'custom', path: ['devices', deviceIndex, 'endpoint'], message: `endpoint ${entry.endpoint} is listed twice; list each device once` });
      }
      endpoints.add(entry.endpoint);
      entry.observe.forEach((observed, index) => {
        const path = parseResourcePath(observed.path);
        if (!path || ipsoDefaults(path)) return;
        for (const key of ['signal', 'type'] as const) {
          if (observed[key] === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['devices', deviceIndex, 'observe', index, key],
              message: `${observed.path} is not the Sensor Value (5700) of a known IPSO sensor object, so give its ${key}`,
            });
          }
        }
      });
    });
  });

export type Lwm2mSourceConfig = z.output<typeof lwm2mSourceConfigSchema>;
export type DeviceConfig = Lwm2mSourceConfig['devices'][number];
export type ObservationConfig = DeviceConfig['observe'][number];

/** The typed config or every problem found, each naming its field. */
export function parseLwm2mSourceConfig(input: unknown): ParseResult<Lwm2mSourceConfig> {
  return parseWith(lwm2mSourceConfigSchema, input);
}
