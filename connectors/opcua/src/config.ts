import { parseWith, type ParseResult } from '@fieldmesh/config';
import { z } from 'zod';
import { unknownPlaceholders } from './browse.mapping';

/** Policies the OPC Foundation deprecated (SHA-1, weak key sizes); refused with a message naming the replacements. */
export const DEPRECATED_SECURITY_POLICIES = ['Basic128Rsa15', 'Basic256'] as const;
export const SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;

const securityPolicy = z
  .enum(SECURITY_POLICIES, {
    error: (issue) =>
      (DEPRECATED_SECURITY_POLICIES as readonly unknown[]).includes(issue.input)
        ? `${String(issue.input)} is deprecated by the OPC Foundation (SHA-1 / weak padding) and refused; use Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss and enable it on the server`
        : `must be one of ${SECURITY_POLICIES.join(', ')}`,
  })
  .default('Basic256Sha256')
  .describe('Security policy of the secure channel; Basic128Rsa15 and Basic256 are deprecated and refused. None only with securityMode None.')
  .meta({ examples: ['Basic256Sha256'] });

const deadband = z
  .strictObject({
    type: z
      .enum(['absolute', 'percent'])
      .describe("absolute: in the variable's unit; percent: of its EURange (the server needs an EURange).")
      .meta({ examples: ['absolute'] }),
    value: z
      .number()
      .min(0)
      .describe('Smallest change that is reported.')
      .meta({ examples: [0.5] }),
  })
  .refine((d) => d.type !== 'percent' || d.value <= 100, { message: 'a percent deadband must be between 0 and 100', path: ['value'] })
  .describe(
    "Deadband filter for numeric variables; when the server rejects it the connector applies it to the unfiltered item itself (a percent one needs the variable's EURange, else none applies) and a warning names the node.",
  )
  .meta({ examples: [{ type: 'percent', value: 1 }] });

const nodeId = z.string().regex(/^(ns=\d+;)?[isgb]=.+$/, 'must be an OPC UA node id such as ns=1;s=berlin.line-1.compressor-1.bearing_temperature or i=85');

const configuredNode = z.strictObject({
  nodeId: nodeId.describe('Node id of the variable to monitor.').meta({ examples: ['ns=1;s=berlin.line-1.compressor-1.bearing_temperature'] }),
  assetPath: z
    .string()
    .min(1)
    .describe('ISA-95 asset path enterprise/site/area/line/asset of the reading.')
    .meta({ examples: ['acme/berlin/press-shop/line-1/compressor-1'] }),
  signal: z
    .string()
    .min(1)
    .describe('Signal name of the reading.')
    .meta({ examples: ['bearing_temperature'] }),
  unit: z
    .string()
    .min(1)
    .optional()
    .describe("UCUM unit that overrides the variable's EngineeringUnits.")
    .meta({ examples: ['Cel'] }),
  deadband: deadband.optional(),
});

const browse = z.strictObject({
  rootNodeId: nodeId
    .default('i=85')
    .describe('Where the browse starts; i=85 is the Objects folder.')
    .meta({ examples: ['i=85'] }),
  levels: z
    .array(z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'must be a plain name such as site'))
    .min(1)
    .default(['site', 'line', 'asset'])
    .describe('Names of the browse levels between the root and a signal variable: Objects/<site>/<line>/<asset>/<signal>. The last level is the asset.')
    .meta({ examples: [['site', 'line', 'asset']] }),
  maxDepth: z
    .number()
    .int()
    .min(1)
    .max(16)
    .default(4)
    .describe('How many levels below the root to browse; signals deeper than this are not found.')
    .meta({ examples: [4] }),
  assetPathProperty: z
    .string()
    .min(1)
    .default('AssetPath')
    .describe('Property of the asset object holding its ISA-95 path; used when present.')
    .meta({ examples: ['AssetPath'] }),
  assetPathTemplate: z
    .string()
    .min(1)
    .default('{site}/{line}/{asset}')
    .describe('Asset path built from the level names when the asset has no AssetPath property.')
    .meta({ examples: ['acme/{site}/press-shop/{line}/{asset}'] }),
});

const userIdentity = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('anonymous') }),
    z.strictObject({
      type: z.literal('username'),
      username: z
        .string()
        .min(1)
        .describe('User name.')
        .meta({ examples: ['gateway'] }),
      password: z
        .string()
        .min(1)
        .optional()
        .describe('Password, inline; prefer passwordFile or passwordEnv so that it stays out of config files.')
        .meta({ examples: ['s3cret'] }),
      passwordFile: z
        .string()
        .min(1)
        .optional()
        .describe('File holding the password (trailing newline ignored); read at each connect, never logged.')
        .meta({ examples: ['/etc/fieldmesh/opcua-gateway.password'] }),
      passwordEnv: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name such as FIELDMESH_OPCUA_PASSWORD')
        .optional()
        .describe('Environment variable holding the password; read at each connect, never logged.')
        .meta({ examples: ['FIELDMESH_OPCUA_PASSWORD'] }),
    }),
    z.strictObject({
      type: z.literal('certificate'),
      certificateFile: z
        .string()
        .min(1)
        .describe('PEM file of the X.509 user certificate.')
        .meta({ examples: ['/etc/fieldmesh/opcua-user.pem'] }),
      privateKeyFile: z
        .string()
        .min(1)
        .describe('PEM file of its private key.')
        .meta({ examples: ['/etc/fieldmesh/opcua-user.key'] }),
    }),
  ])
  .default({ type: 'anonymous' })
  .describe('User token of the session: anonymous, username/password or an X.509 certificate.')
  .meta({ examples: [{ type: 'username', username: 'gateway', passwordFile: '/etc/fieldmesh/opcua-gateway.password' }] });

const events = z
  .strictObject({
    notifierNodeId: nodeId
      .default('i=2253')
      .describe('Object whose EventNotifier is monitored; i=2253 (the Server object) reports every event and alarm condition of the server.')
      .meta({ examples: ['i=2253'] }),
    queueSize: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1000)
      .describe('Events the server queues between publishes; an overflow is reported by the server as an EventQueueOverflowEventType event.')
      .meta({ examples: [1000] }),
  })
  .describe(
    'Subscribe to events and Alarms & Conditions (EventId, SourceNode, Severity, Message, ActiveState, AckedState, ConditionId, Comment) for the events product; conditions can then be acknowledged from the console.',
  )
  .meta({ examples: [{ notifierNodeId: 'i=2253', queueSize: 1000 }] });

export const opcuaSourceConfigSchema = z
  .strictObject({
    endpointUrl: z
      .string()
      .regex(/^opc\.tcp:\/\/[^\s/]+(:\d{1,5})?(\/.*)?$/, 'must be opc.tcp://host:port[/path]')
      .describe('Endpoint of the OPC UA server.')
      .meta({ examples: ['opc.tcp://127.0.0.1:4840/UA/Plant'] }),
    deviceId: z
      .string()
      .min(1)
      .optional()
      .describe("Device id of the readings; defaults to the server's application URI.")
      .meta({ examples: ['urn:fieldmesh:simulator'] }),
    securityMode: z
      .enum(SECURITY_MODES)
      .default('SignAndEncrypt')
      .describe('Message security mode; None (plaintext, no server authentication) also needs allowSecurityNone.')
      .meta({ examples: ['SignAndEncrypt'] }),
    securityPolicy,
    allowSecurityNone: z
      .boolean()
      .default(false)
      .describe('Explicitly accept securityMode None (no signing, no encryption, any server); the connector warns at each start.')
      .meta({ examples: [false] }),
    userIdentity,
    pkiDir: z
      .string()
      .min(1)
      .optional()
      .describe('PKI folder (own certificate, trusted/, rejected/); defaults to <stateDir>/pki.')
      .meta({ examples: ['/var/lib/fieldmesh/opcua/pki'] }),
    applicationUri: z
      .string()
      .min(1)
      .optional()
      .describe('Application URI of the client certificate; defaults to urn:fieldmesh:gateway:<instance>.')
      .meta({ examples: ['urn:fieldmesh:gateway:berlin-1'] }),
    nodes: z
      .array(configuredNode)
      .default([])
      .describe('Variables to monitor, each mapped to asset and signal.')
      .meta({
        examples: [[{ nodeId: 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature', assetPath: 'acme/berlin/press-shop/line-1/compressor-1', signal: 'bearing_temperature' }]],
      }),
    browse: browse
      .optional()
      .describe('Find variables by browsing from a root instead of (or besides) listing them.')
      .meta({ examples: [{ rootNodeId: 'i=85', levels: ['site', 'line', 'asset'], maxDepth: 4 }] }),
    subscription: z
      .strictObject({
        publishingInterval: z
          .number()
          .int()
          .min(10)
          .max(3_600_000)
          .default(1000)
          .describe('How often the server sends notifications, ms.')
          .meta({ examples: [1000] }),
        samplingInterval: z
          .number()
          .int()
          .min(0)
          .max(3_600_000)
          .default(500)
          .describe('How often the server samples each variable, ms (0 = as fast as it can).')
          .meta({ examples: [250] }),
        queueSize: z
          .number()
          .int()
          .min(1)
          .max(10_000)
          .default(10)
          .describe('Values the server queues per item between publishes.')
          .meta({ examples: [10] }),
        discardOldest: z
          .boolean()
          .default(true)
          .describe('When the server queue is full, drop the oldest value (true) or the newest.')
          .meta({ examples: [true] }),
        keepAliveCount: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(10)
          .describe('Publishing intervals without data before the server sends a keep-alive.')
          .meta({ examples: [10] }),
        lifetimeCount: z
          .number()
          .int()
          .min(3)
          .max(100_000)
          .default(60)
          .describe('Publishing intervals without a client request before the server drops the subscription (at least 3 × keepAliveCount).')
          .meta({ examples: [60] }),
      })
      .refine((s) => s.lifetimeCount >= 3 * s.keepAliveCount, { message: 'must be at least 3 × keepAliveCount', path: ['lifetimeCount'] })
      .default({ publishingInterval: 1000, samplingInterval: 500, queueSize: 10, discardOldest: true, keepAliveCount: 10, lifetimeCount: 60 })
      .describe('Subscription and monitored item settings.')
      .meta({ examples: [{ publishingInterval: 500, samplingInterval: 250, queueSize: 10, discardOldest: true }] }),
    deadband: deadband.optional(),
    events: events.optional(),
    maxBatchSize: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1000)
      .describe('Most readings handed to the gateway in one batch.')
      .meta({ examples: [1000] }),
    maxBufferedReadings: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(100_000)
      .describe('Readings held while the gateway is not reading; beyond it the oldest are dropped and counted.')
      .meta({ examples: [100_000] }),
    requestTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(10_000)
      .describe('Timeout of connect and of each OPC UA request, ms.')
      .meta({ examples: [10_000] }),
  })
  .superRefine((config, ctx) => {
    if (config.nodes.length === 0 && !config.browse && !config.events) {
      ctx.addIssue({ code: 'custom', path: ['nodes'], message: 'list at least one node, or configure browse or events, otherwise nothing is read' });
    }
    if (config.browse) {
      const unknown = unknownPlaceholders(config.browse.assetPathTemplate, config.browse.levels);
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['browse', 'assetPathTemplate'],
          message: `{${unknown.join('}, {')}} is not a browse level; use one of ${config.browse.levels.map((l) => `{${l}}`).join(', ')}`,
        });
      }
    }
    if (config.securityMode === 'None' && !config.allowSecurityNone) {
      ctx.addIssue({
        code: 'custom',
        path: ['securityMode'],
        message:
          'securityMode None sends readings unsigned and unencrypted to any server and is refused; use SignAndEncrypt with Basic256Sha256 or an Aes policy, or set allowSecurityNone: true to accept it explicitly',
      });
    }
    if (config.userIdentity.type === 'username') {
      const sources = (['password', 'passwordFile', 'passwordEnv'] as const).filter((key) => config.userIdentity.type === 'username' && config.userIdentity[key] !== undefined);
      if (sources.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['userIdentity', 'passwordFile'],
          message: sources.length === 0 ? 'give the password as passwordFile, passwordEnv or password' : `give the password once, not as ${sources.join(' and ')}`,
        });
      }
    }
    if ((config.securityMode === 'None') !== (config.securityPolicy === 'None')) {
      ctx.addIssue({
        code: 'custom',
        path: ['securityPolicy'],
        message: `securityMode ${config.securityMode} needs ${config.securityMode === 'None' ? 'securityPolicy None' : 'a securityPolicy other than None (e.g. Basic256Sha256)'}`,
      });
    }
  });

export type OpcuaSourceConfig = z.output<typeof opcuaSourceConfigSchema>;
export type OpcuaNodeConfig = z.output<typeof configuredNode>;
export type BrowseConfig = z.output<typeof browse>;
export type DeadbandConfig = z.output<typeof deadband>;
export type EventsConfig = z.output<typeof events>;

/** The typed config or every problem found, each naming its field. */
export function parseOpcuaSourceConfig(input: unknown): ParseResult<OpcuaSourceConfig> {
  return parseWith(opcuaSourceConfigSchema, input);
}
