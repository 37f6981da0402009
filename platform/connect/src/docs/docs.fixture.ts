import { z } from 'zod';
import type { SinkConnectorSpec, SourceConnectorSpec } from '../connector.spec';

const field = <T extends z.ZodType>(schema: T, description: string, example: unknown): T => schema.describe(description).meta({ examples: [example] }) as T;

const base = {
  url: field(z.string().min(1), 'Where | to connect.', 'tcp://127.0.0.1:1'),
  retries: field(z.number().int().min(0).default(3), 'How often to retry.', 5),
  tls: field(z.object({ caFile: field(z.string().optional(), 'CA file.', '/ca.pem') }).optional(), 'TLS settings.', { caFile: '/ca.pem' }),
  topics: field(z.array(z.object({ name: field(z.string(), 'Topic name.', 'a/b'), qos: field(z.literal(1).default(1), 'QoS.', 1) })).min(1), 'Topics.', [{ name: 'a/b' }]),
  labels: field(z.record(z.string(), z.string()).default({}), 'Labels.', { line: '1' }),
};

/** A source config shaped like MQTT's: two formats sharing most fields, one nested union, a list of objects. */
export const fixtureSourceConfig = z.discriminatedUnion('format', [
  z.object({ ...base, format: field(z.literal('json'), 'Payload format.', 'json'), valueField: field(z.string().default('value'), 'Value field.', 'v') }),
  z.object({
    ...base,
    format: field(z.literal('binary'), 'Payload format.', 'binary'),
    auth: field(
      z
        .discriminatedUnion('type', [z.object({ type: z.literal('none') }), z.object({ type: z.literal('token'), token: field(z.string(), 'Bearer token.', 's3cret') })])
        .default({ type: 'none' }),
      'Authentication.',
      { type: 'token', token: 's3cret' },
    ),
  }),
]);

export const fixtureSource = {
  name: 'fixture',
  kind: 'source',
  status: 'experimental',
  summary: 'Reads fixture messages for tests. It has a second sentence.',
  config: fixtureSourceConfig,
  inputs: ['fixture topics'],
  metadata: [{ key: 'fixture.qos', description: 'QoS | delivered with.' }],
  create: () => {
    throw new Error('a fixture creates nothing');
  },
} satisfies SourceConnectorSpec<typeof fixtureSourceConfig>;

const sinkConfig = z.object({ table: field(z.string(), 'Target table.', 'readings'), password: field(z.string().default(''), 'Password.', 'pw') });

export const fixtureSink = {
  name: 'fixture-sink',
  kind: 'sink',
  status: 'stable',
  summary: 'Writes fixture rows.',
  config: sinkConfig,
  inputs: ['kafka topics'],
  outputs: ['table <name>'],
  metadata: [],
  create: async (config) => ({ table: config.table }),
} satisfies SinkConnectorSpec<typeof sinkConfig, never, { table: string }>;
