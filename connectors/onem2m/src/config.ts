import { parseWith, type ParseResult } from '@fieldmesh/config';
import { z } from 'zod';

/** RFC 6901 JSON pointer: empty (the whole content) or `/`-separated tokens. */
const jsonPointer = z.string().regex(/^(\/([^~/]|~[01])*)*$/, 'must be a JSON pointer such as /value or "" for the whole content');

const mapping = z.strictObject({
  container: z
    .string()
    .regex(/^[^/\s][^\s]*[^/\s]$/, 'must be a container path below the CSEBase without leading or trailing slash, such as press-7/temperature')
    .describe('Path of the <container> below the CSEBase (structured resource name, without the CSEBase name).')
    .meta({ examples: ['press-7/temperature'] }),
  assetPath: z
    .string()
    .min(1)
    .describe('ISA-95 asset path enterprise/site/area/line/asset of the readings.')
    .meta({ examples: ['acme/berlin/press-shop/line-1/press-7'] }),
  signal: z
    .string()
    .min(1)
    .describe('Signal name of the readings.')
    .meta({ examples: ['oil_temperature'] }),
  unit: z
    .string()
    .min(1)
    .optional()
    .describe('UCUM unit of the value.')
    .meta({ examples: ['Cel'] }),
  valuePointer: jsonPointer
    .default('')
    .describe('JSON pointer to the value inside the contentInstance content (`con`, parsed as JSON); "" takes the whole content, so a plain `21.5` works.')
    .meta({ examples: ['/value'] }),
  timestampPointer: jsonPointer
    .optional()
    .describe("JSON pointer to the reading's time inside the content (epoch ms or ISO 8601); without it the contentInstance's creationTime `ct` is used.")
    .meta({ examples: ['/ts'] }),
  deviceId: z
    .string()
    .min(1)
    .optional()
    .describe("Device id of the readings; defaults to the container's creator (the device AE), else the container path.")
    .meta({ examples: ['press-7-sensor-box'] }),
});

export const onem2mSourceConfigSchema = z.strictObject({
  cseUrl: z
    .url({ protocol: /^https?$/, error: 'must be the http(s) URL of the CSE, such as http://127.0.0.1:8080' })
    .describe('HTTP binding root of the CSE (its point of access).')
    .meta({ examples: ['http://127.0.0.1:8080'] }),
  cseBaseName: z
    .string()
    .regex(/^[^/\s]+$/, 'must be the CSEBase resource name without slashes, such as cse-in')
    .describe('Resource name of the CSEBase; resources are addressed as <cseUrl>/<cseBaseName>/<path>.')
    .meta({ examples: ['cse-in'] }),
  originator: z
    .string()
    .regex(/^[CS][^\s/]*$/, 'must be an AE-ID starting with C or S, such as Cfieldmesh-gw-berlin-1 (the CSE registration policy allows C*/S*)')
    .describe(
      "The gateway AE's id, sent as X-M2M-Origin; the CSE's access control policies must grant it Create, Retrieve, Delete and Notify on the containers (its <subscription> is a child resource).",
    )
    .meta({ examples: ['Cfieldmesh-gw-berlin-1'] }),
  aeName: z
    .string()
    .regex(/^[^/\s]+$/, 'must be a resource name without slashes')
    .default('fieldmesh-gateway')
    .describe('Resource name of the AE the connector registers (or finds already registered) at each connect.')
    .meta({ examples: ['fieldmesh-gw-berlin-1'] }),
  appId: z
    .string()
    .regex(/^[NR][^\s]*$/, 'must be an App-ID starting with N (non-registered) or R (registered), such as Nfieldmesh.gateway')
    .default('Nfieldmesh.gateway')
    .describe('App-ID (api) of the AE.')
    .meta({ examples: ['Nfieldmesh.gateway'] }),
  releaseVersion: z
    .enum(['2a', '3', '4', '5'])
    .default('3')
    .describe('oneM2M release version indicator sent as X-M2M-RVI.')
    .meta({ examples: ['3'] }),
  notificationHost: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('Address the notification HTTP server listens on and that the subscription notificationURI names; the CSE must reach it.')
    .meta({ examples: ['127.0.0.1'] }),
  notificationPort: z
    .number()
    .int()
    .min(0)
    .max(65_535)
    .default(0)
    .describe('Port of the notification server; 0 picks a free one at each connect (the subscriptions are made anew, so their notificationURI follows it).')
    .meta({ examples: [9090] }),
  mappings: z
    .array(mapping)
    .min(1, 'map at least one container, otherwise nothing is read')
    .describe('Containers to subscribe to, each mapped to asset, signal and unit.')
    .meta({
      examples: [[{ container: 'press-7/temperature', assetPath: 'acme/berlin/press-shop/line-1/press-7', signal: 'oil_temperature', unit: 'Cel', valuePointer: '/value' }]],
    }),
  livenessIntervalMs: z
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(5000)
    .describe(
      'How often the subscriptions are retrieved; an unreachable CSE or a vanished subscription (CSE restarted without its data) makes the gateway reconnect and resubscribe.',
    )
    .meta({ examples: [5000] }),
  requestTimeoutMs: z
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(10_000)
    .describe('Timeout of each request to the CSE, ms.')
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
    .describe('Content instances held while the gateway is not reading; beyond it the oldest are dropped and counted.')
    .meta({ examples: [100_000] }),
});

export type Onem2mSourceConfig = z.output<typeof onem2mSourceConfigSchema>;
export type ContainerMapping = z.output<typeof mapping>;

/** The typed config or every problem found, each naming its field. */
export function parseOnem2mSourceConfig(input: unknown): ParseResult<Onem2mSourceConfig> {
  return parseWith(onem2mSourceConfigSchema, input);
}
