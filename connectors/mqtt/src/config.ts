import { z } from 'zod';
import { parseTopicPattern, templateVariables } from './topic.pattern';

const field = <T extends z.ZodType>(schema: T, description: string, example: unknown): T => schema.describe(description).meta({ examples: [example] }) as T;

/** A topic pattern is checked when the config is parsed, so a typo is reported with its field. */
const topicPattern = z.string().superRefine((pattern, context) => {
  try {
    parseTopicPattern(pattern);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

export const jsonMappingSchema = z
  .strictObject({
    topic: field(
      topicPattern,
      'MQTT topic pattern. `+name` matches one level and captures it as `{name}`, a final `#name` captures the rest; plain `+` and `#` match without capturing. Its filter (names removed) is subscribed unless `subscriptions` is given.',
      'acme/+site/+area/+line/+asset/+signal',
    ),
    assetPath: field(z.string().min(1), 'ISA-95 asset path template; `{name}` is replaced by the captured level.', 'acme/{site}/{area}/{line}/{asset}'),
    signal: field(z.string().min(1).default('{signal}'), 'Signal name template.', '{signal}'),
    deviceId: field(z.string().min(1).optional(), 'Device id template; the rendered asset path when omitted.', '{site}.{line}.{asset}'),
    unit: field(z.string().min(1).optional(), 'UCUM unit for payloads that carry none.', 'Cel'),
  })
  .superRefine((mapping, context) => {
    let names: string[];
    try {
      names = parseTopicPattern(mapping.topic).names;
    } catch {
      return; // reported on `topic`
    }
    for (const key of ['assetPath', 'signal', 'deviceId'] as const) {
      const unknown = templateVariables(mapping[key] ?? '').filter((name) => !names.includes(name));
      if (unknown.length > 0)
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `{${unknown.join('}, {')}} is not captured by the topic pattern (it captures: ${names.join(', ') || 'nothing'})`,
        });
    }
  });

export const jsonFormatSchema = z.strictObject({
  timestampField: field(
    z.string().min(1).default('timestamp_ms'),
    'Field holding the source timestamp: epoch milliseconds or an ISO-8601 string. The receive time is used when it is absent.',
    'timestamp_ms',
  ),
  valueField: field(z.string().min(1).default('value'), 'Field holding the value (number, string, boolean or null).', 'value'),
  unitField: field(z.string().min(1).default('unit'), 'Field holding the UCUM unit.', 'unit'),
  qualityField: field(z.string().min(1).default('quality'), 'Field holding the quality: GOOD, UNCERTAIN or BAD (any case). GOOD when absent.', 'quality'),
  personalFields: field(
    z.record(z.string().min(1), z.string().min(1)).default({ operator: 'operatorBadge' }),
    'Payload fields holding personal data, mapped to the key they travel under in `personal` (the gateway masks them as the contract says). They never become attributes.',
    { operator: 'operatorBadge' },
  ),
});

export const SPARKPLUG_VARIABLES = ['group', 'node', 'nodePath', 'device', 'metric'];

export const sparkplugFormatSchema = z
  .strictObject({
    groupIds: field(z.array(z.string().min(1)).min(1).default(['+']), 'Sparkplug group ids to subscribe to (`+` for all).', ['berlin']),
    assetPath: field(
      z.string().min(1).default('{group}/{nodePath}/{device}'),
      'Asset path template. Variables: {group}, {node} (edge node id), {nodePath} (edge node id split on `nodeIdSeparator`, joined with `/`), {device} (empty for node metrics; empty levels are dropped).',
      'acme/{group}/{nodePath}/{device}',
    ),
    nodeIdSeparator: field(z.string().min(1).default('.'), 'Separator of the levels packed into an edge node id.', '.'),
    deviceId: field(z.string().min(1).default('{group}/{node}/{device}'), 'Device id template (same variables).', '{group}/{node}/{device}'),
    signal: field(z.string().min(1).default('{metric}'), 'Signal template; {metric} is the metric name from the birth certificate.', '{metric}'),
    rebirthIntervalMs: field(z.number().int().min(0).default(10_000), 'Minimum time between two rebirth requests (NCMD Node Control/Rebirth) to the same edge node.', 10_000),
    primaryHostId: field(
      z
        .string()
        .regex(/^[^/+#]+$/, 'must be one MQTT topic level: no /, + or #')
        .optional(),
      "Act as the Sparkplug primary host application with this host id: publish `spBv1.0/STATE/<id>` retained (online after subscribing, offline as the connection's will and on close), so edge nodes configured with this primary host store while the gateway is away and forward their history (is_historical, in order) when it is back. Off when absent.",
      'fieldmesh-berlin',
    ),
    maxMetricsPerMessage: field(
      z.number().int().positive().default(10_000),
      'A message with more metrics than this is rejected whole (one dead letter, SparkplugTooManyMetrics) before any metric is read, so that one message cannot flood the gateway with readings. Unreadable metrics of a message become one dead letter for the message, never one per metric.',
      10_000,
    ),
  })
  .superRefine((sparkplug, context) => {
    for (const key of ['assetPath', 'deviceId', 'signal'] as const) {
      const unknown = templateVariables(sparkplug[key]).filter((name) => !SPARKPLUG_VARIABLES.includes(name));
      if (unknown.length > 0)
        context.addIssue({ code: 'custom', path: [key], message: `{${unknown.join('}, {')}} is not a Sparkplug variable (use ${SPARKPLUG_VARIABLES.join(', ')})` });
    }
  });

export const subscriptionSchema = z.strictObject({
  topic: field(z.string().min(1), 'MQTT topic filter.', 'acme/#'),
  qos: field(
    z.union([z.literal(0), z.literal(1)]).default(1),
    'QoS 1 (default) makes delivery at-least-once; QoS 0 readings can be lost. QoS 2 is not offered: the gateway deduplicates downstream.',
    1,
  ),
});

export const tlsSchema = z.strictObject({
  caFile: field(z.string().min(1).optional(), 'PEM file with the CA(s) that signed the broker certificate; the system CAs when omitted.', '/etc/fieldmesh/ca.pem'),
  certFile: field(z.string().min(1).optional(), 'PEM client certificate (device onboarding issues it).', '/etc/fieldmesh/gateway.crt'),
  keyFile: field(z.string().min(1).optional(), 'PEM private key of the client certificate.', '/etc/fieldmesh/gateway.key'),
  rejectUnauthorized: field(z.boolean().default(true), 'Refuse a broker whose certificate does not verify. Only turn off on a test bench.', true),
  serverName: field(z.string().min(1).optional(), 'Name expected in the broker certificate when it differs from the URL host.', 'broker.plant.local'),
});

const baseSchema = z.strictObject({
  url: field(z.string().regex(/^(mqtt|mqtts|tcp|ssl|tls):\/\/[^/]+$/, 'an mqtt://host:port or mqtts://host:port URL'), 'Broker URL. mqtts:// uses TLS.', 'mqtts://127.0.0.1:8883'),
  clientId: field(
    z.string().min(1).max(128),
    'MQTT client id. Must be stable: the broker keeps the persistent session (and the QoS 1 messages queued while the gateway is down) under it.',
    'fieldmesh-gateway-1-mqtt',
  ),
  protocolVersion: field(z.union([z.literal(4), z.literal(5)]).default(5), 'MQTT protocol: 4 = 3.1.1, 5 = MQTT 5.', 5),
  cleanSession: field(
    z.boolean().default(false),
    'Start without a persistent session. false (default) keeps the session so QoS 1 messages published while the gateway is down are delivered after restart.',
    false,
  ),
  sessionExpirySeconds: field(
    z
      .number()
      .int()
      .min(0)
      .max(0xffffffff)
      .default(7 * 24 * 3600),
    'MQTT 5 session expiry: how long the broker keeps the session after a disconnect (MQTT 3.1.1 brokers keep it until cleaned).',
    604_800,
  ),
  keepaliveSeconds: field(z.number().int().min(0).max(65_535).default(30), 'MQTT keep-alive interval.', 30),
  connectTimeoutMs: field(z.number().int().positive().default(10_000), 'How long to wait for CONNACK before giving up.', 10_000),
  username: field(z.string().min(1).optional(), 'Username, when the broker wants one.', 'gateway-1'),
  password: field(z.string().min(1).optional(), 'Password for `username`.', 'change-me'),
  tls: field(tlsSchema.optional(), 'TLS settings for mqtts:// (client certificate authentication).', { caFile: '/etc/fieldmesh/ca.pem' }),
  subscriptions: field(z.array(subscriptionSchema).min(1).optional(), 'Topic filters to subscribe to; derived from the mappings (JSON) or `sparkplug.groupIds` when omitted.', [
    { topic: 'acme/berlin/#', qos: 1 },
  ]),
  maxPayloadBytes: field(z.number().int().positive().default(65_536), 'Messages larger than this are rejected (PayloadTooLarge) without being decoded.', 65_536),
  maxEvidenceBytes: field(
    z.number().int().positive().default(16_384),
    'A rejected message carries at most this many bytes of its payload into its dead letter as evidence; the reason says when it was cut (and a cut never ends inside a JSON string, so a personal value is never left half-masked).',
    16_384,
  ),
  batchMaxMessages: field(
    z.number().int().positive().max(65_535).default(500),
    'A batch holds at most this many MQTT messages. Also the MQTT 5 receive maximum (unacknowledged messages in flight).',
    500,
  ),
  batchMaxRecords: field(
    z.number().int().positive().default(50_000),
    'A batch stops taking messages once their readings and rejects reach this many (it always holds at least one message), so that messages of many metrics cannot make one batch exhaust memory.',
    50_000,
  ),
  batchMaxWaitMs: field(z.number().int().positive().default(200), 'A batch is returned at the latest this long after its first message.', 200),
  batchIdleMs: field(
    z.number().int().positive().default(10),
    'A batch is returned early when no message arrived for this long. Brokers hold messages back while their in-flight window waits for our PUBACKs (Mosquitto: 20 for MQTT 3.1.1 clients), so waiting longer only stalls.',
    10,
  ),
});

export const mqttSourceConfigSchema = z.discriminatedUnion('format', [
  baseSchema.extend({
    format: field(z.literal('json'), 'Payload format.', 'json'),
    mappings: field(z.array(jsonMappingSchema).min(1), 'Rules from topic to asset and signal; the first matching rule wins.', [
      { topic: 'acme/+site/+area/+line/+asset/+signal', assetPath: 'acme/{site}/{area}/{line}/{asset}', signal: '{signal}' },
    ]),
    json: field(jsonFormatSchema.default(jsonFormatSchema.parse({})), 'JSON field names.', { valueField: 'value' }),
  }),
  baseSchema.extend({
    format: field(z.literal('sparkplugb'), 'Payload format.', 'sparkplugb'),
    sparkplug: field(sparkplugFormatSchema.default(sparkplugFormatSchema.parse({})), 'Sparkplug B mapping.', {
      groupIds: ['berlin'],
      assetPath: 'acme/{group}/{nodePath}/{device}',
    }),
  }),
]);

export type MqttSourceConfig = z.output<typeof mqttSourceConfigSchema>;
export type JsonMqttSourceConfig = Extract<MqttSourceConfig, { format: 'json' }>;
export type SparkplugMqttSourceConfig = Extract<MqttSourceConfig, { format: 'sparkplugb' }>;
export type JsonMapping = z.output<typeof jsonMappingSchema>;
export type JsonFormat = z.output<typeof jsonFormatSchema>;
export type SparkplugFormat = z.output<typeof sparkplugFormatSchema>;
export type TlsConfig = z.output<typeof tlsSchema>;
