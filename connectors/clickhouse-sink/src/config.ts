import { kafkaSecuritySchema } from '@fieldmesh/kafka';
import { z } from 'zod';

const field = <T extends z.ZodType>(schema: T, description: string, example: unknown): T => schema.describe(description).meta({ examples: [example] }) as T;

const clickhouseSchema = z
  .strictObject({
    url: field(
      z.url().optional(),
      'HTTP URL of a ClickHouse server. When absent the sink writes to chDB (ClickHouse embedded in this process) at `chdbPath`.',
      'http://127.0.0.1:8123',
    ),
    username: field(z.string().min(1).default('default'), 'User for the server (ignored for chDB).', 'fieldmesh'),
    password: field(z.string().default(''), 'Password of `username` (ignored for chDB).', 's3cret'),
    database: field(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier such as fieldmesh')
        .default('fieldmesh'),
      'Database holding one table per product, created when missing.',
      'fieldmesh',
    ),
    cluster: field(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of a cluster in the server's remote_servers, such as fieldmesh")
        .optional(),
      "The server's `remote_servers` cluster of replicas (one shard). The product tables and the offset ledger become ReplicatedMergeTree, created ON CLUSTER, each with a Distributed table `<table>_all` for analysts; the sink writes the replicated tables through `url`, one replica, which copies them to the others. Only with `url`.",
      'fieldmesh',
    ),
    replicaUrls: field(
      z.array(z.url()).min(1, 'lists no replica: leave it out when the cluster has no other').optional(),
      "HTTP URLs of the cluster's other replicas, in order of preference. When the replica the sink writes through stops answering, it fails over to the first of the others that answers and holds every part inserted through any replica (so the offsets it reads before each insert are complete); a replica that lacks parts is not taken until the one holding them is back. Only with `cluster`.",
      ['http://127.0.0.1:8124'],
    ),
    chdbPath: field(z.string().min(1).default('.fieldmesh/chdb'), 'chDB data folder (only when no `url`). One process at a time may open it.', '.fieldmesh/chdb'),
  })
  .refine((c) => c.url === undefined || c.username !== 'default' || c.password === '', {
    message: 'a password is set but no username: name the user the password belongs to',
    path: ['username'],
  })
  .refine((c) => c.cluster === undefined || c.url !== undefined, {
    message: 'a cluster needs a server: set url to one of its replicas (chDB has no replicas)',
    path: ['cluster'],
  })
  .refine((c) => c.replicaUrls === undefined || c.cluster !== undefined, {
    message: 'replicas fail over only within a cluster: set cluster (the servers hold the same tables only as its replicas)',
    path: ['replicaUrls'],
  })
  .refine((c) => c.replicaUrls === undefined || new Set([c.url, ...c.replicaUrls]).size === c.replicaUrls.length + 1, {
    message: 'lists a replica twice (or repeats url): name each other replica once',
    path: ['replicaUrls'],
  });

export const clickhouseSinkConfigSchema = z.strictObject({
  kafka: z.strictObject({
    brokers: field(z.array(z.string().min(1)).min(1, 'must list at least one bootstrap broker'), 'Bootstrap brokers.', ['127.0.0.1:9092']),
    clientId: field(z.string().min(1).default('clickhouse-sink'), 'Client id in broker logs.', 'clickhouse-sink'),
    client: field(
      z.enum(['kafkajs', 'platformatic']).default('platformatic'),
      'Kafka client adapter the sink consumes with (its DLQ producer uses the platform default). Both hand a revoked partition over only after the batch in flight is committed, so two sink instances never write one partition at once (test/shared/rebalance.scenario.ts).',
      'platformatic',
    ),
    security: kafkaSecuritySchema.optional().describe("SASL_SSL as the sink's principal (fieldmesh-clickhouse-sink); the FIELDMESH_KAFKA_* environment when absent."),
  }),
  registryUrl: field(z.url(), 'Schema registry that decodes the products.', 'http://127.0.0.1:8081'),
  groupId: field(z.string().min(1).default('fieldmesh.clickhouse-sink'), 'Consumer group; commits follow inserts.', 'fieldmesh.clickhouse-sink'),
  contractsRoot: field(z.string().min(1).default('.'), 'Repository root holding contracts/ and schemas/.', '.'),
  products: field(z.array(z.string().min(1)).optional(), 'Topics to sink; every product with a contract when absent.', ['plant.telemetry.clean.v1', 'energy.consumption-15m.v1']),
  clickhouse: clickhouseSchema.default({ username: 'default', password: '', database: 'fieldmesh', chdbPath: '.fieldmesh/chdb' }),
  batch: z
    .strictObject({
      maxRows: field(z.number().int().min(1).max(100_000).default(10_000), 'Most records per insert (one consumer batch).', 10_000),
      maxWaitMs: field(z.number().int().min(0).max(60_000).default(500), 'How long a fetch waits for records before a smaller batch goes.', 500),
      minIntervalMs: field(
        z.number().int().min(0).max(60_000).default(1_000),
        'A batch below maxRows waits until this long after the previous insert, so a trickle of records makes few small parts.',
        1_000,
      ),
    })
    .default({ maxRows: 10_000, maxWaitMs: 500, minIntervalMs: 1_000 }),
  retentionCheckIntervalMs: field(z.number().int().min(1_000).default(3_600_000), 'On servers without TTL, how often expired partitions are dropped.', 3_600_000),
});

export type ClickhouseSinkConfig = z.input<typeof clickhouseSinkConfigSchema>;
export type ClickhouseSinkSettings = z.output<typeof clickhouseSinkConfigSchema>;
export type ClickhouseSettings = ClickhouseSinkSettings['clickhouse'];
