import type { ClickHouseClient } from '@clickhouse/client';
import { kafkaSecuritySchema } from '@fieldmesh/kafka';
import type { SloStatus } from '@fieldmesh/slo';
import { z } from 'zod';

const hours = z.record(z.string().min(1), z.number().nonnegative());

const clickhouseClient = z.custom<ClickHouseClient>(
  (v) => typeof v === 'object' && v !== null && typeof (v as ClickHouseClient).query === 'function',
  'must be a @clickhouse/client ClickHouseClient',
);

const clickhouse = z.union([
  clickhouseClient.describe("A client of the warehouse (database fieldmesh), e.g. the sink's own"),
  z.strictObject({
    url: z.url().describe('HTTP URL of the ClickHouse server the sink writes'),
    username: z.string().min(1).default('default'),
    password: z.string().default(''),
    database: z.string().min(1).default('fieldmesh'),
    analyst: z
      .strictObject({
        username: z.string().min(1).default('fieldmesh_analyst'),
        passwordFile: z
          .string()
          .min(1)
          .describe("The analyst's password file ('fieldmesh products apply --clickhouse-config-dir' makes <config-dir>/secrets/fieldmesh_analyst.password)"),
        database: z.string().min(1).default('fieldmesh_analyst'),
      })
      .optional()
      .describe('The ClickHouse analyst user sample queries run as; without it they run as the user above with readonly = 1'),
  }),
  z.strictObject({ chdbPath: z.string().min(1).describe('chDB folder (only one process may open it)'), database: z.string().min(1).default('fieldmesh') }),
  z.strictObject({
    client: clickhouseClient,
    database: z.string().min(1).default('fieldmesh'),
  }),
]);

export const consoleOptionsSchema = z.strictObject({
  port: z.number().int().min(0).max(65_535).default(8090).describe('HTTP port; 0 picks a free one'),
  host: z.literal('127.0.0.1').default('127.0.0.1').describe('Listen address (loopback only)'),
  kafkaBrokers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((b) => (typeof b === 'string' ? b.split(',').map((s) => s.trim()) : b)),
  kafkaClient: z.enum(['kafkajs', 'platformatic']).optional(),
  kafkaSecurity: kafkaSecuritySchema
    .optional()
    .describe(
      "The console's own Kafka principal (fieldmesh-console: reads the products and platform topics it shows, writes only the workflow steps a contract's kafka.writers opens to it); the FIELDMESH_KAFKA_* environment when absent",
    ),
  registryUrl: z.url().describe('Schema registry (reviews are proxied to its /contracts API)'),
  serviceToken: z.string().min(1).optional().describe("A service token for the console's own registry writes (registering the alerts schema when a governed registry lacks it)"),
  tokensFile: z.string().min(1).describe('Tokens file shared with the registry (`fieldmesh tokens create`)'),
  contractsRoot: z.string().min(1).describe('Repository root holding contracts/, schemas/, models/ and domains/'),
  contractRoots: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      "Folders whose contracts/ and schemas/ the catalog reads: the repository's and those of the domains that keep their own (a declaration's contractsRoot), as the pipeline that runs them has them; default those of the domains found under <contractsRoot>/domains",
    ),
  clickhouse: clickhouse.optional().describe('Warehouse of the ClickHouse sink; without it sample queries and signals answer 503'),
  stateDir: z.string().min(1).describe("The console's own files: Vite's cache when it builds the UI"),
  topics: z
    .strictObject({
      alerts: z.string().min(1).default('asset-health.alerts.v1'),
      slo: z.string().min(1).default('_fieldmesh.slo'),
      lineage: z.string().min(1).default('_fieldmesh.lineage'),
    })
    .prefault({})
    .describe('Topics the console folds; change only for tests and side-by-side runs'),
  modelsDir: z.string().min(1).optional().describe('Model registry folder; default <contractsRoot>/models'),
  models: z.record(z.string(), z.string()).optional().describe('Asset class → model name; default asset-health-<class> for each model'),
  downtimeHoursPerAvoidedFailure: hours.default({ '*': 8 }).describe("Hours of downtime an avoided failure counts for, per asset class ('*' = default)"),
  signals: z
    .strictObject({
      product: z.string().min(1).default('plant-telemetry.clean').describe('Contract whose ClickHouse table holds the signals'),
      beforeOnsetMs: z
        .number()
        .int()
        .positive()
        .default(30 * 60_000),
      afterOnsetMs: z
        .number()
        .int()
        .positive()
        .default(10 * 60_000),
      maxPoints: z.number().int().min(10).max(5_000).default(240).describe('Points per signal (averaged buckets)'),
      answerWithinMs: z
        .number()
        .int()
        .positive()
        .default(5_000)
        .describe('How long an alert detail waits for ClickHouse before it answers without the signal charts (signalsFrom.note says so)'),
    })
    .prefault({}),
  throughputSampleMs: z.number().int().min(500).default(15_000).describe('How often topic end offsets are sampled for msgs/s'),
  web: z
    .union([z.literal(false), z.strictObject({ root: z.string().min(1).optional(), build: z.enum(['if-outdated', 'never']).default('if-outdated') })])
    .default({ build: 'if-outdated' })
    .describe('Serve the React UI (built with Vite when dist is missing or older than the sources); false serves the API only'),
  slo: z
    .custom<{ status(): SloStatus[] }>(
      (v) => typeof v === 'object' && v !== null && typeof (v as { status?: unknown }).status === 'function',
      'must be an SLO monitor (an object with status())',
    )
    .optional()
    .describe("An in-process SLO monitor; without it SLO status is folded from the SLO topic's events"),
  modelsInUse: z
    .custom<() => Record<string, { champion: string; shadow?: string }>>((v) => typeof v === 'function', 'must be a function such as assetHealth.models')
    .optional()
    .describe("The running asset-health domain's models(): which versions actually serve; else read from the model registry folder"),
  startTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(60_000)
    .describe('How long start waits for the alerts, SLO and lineage topics to be read to their end (then it serves anyway, with a warning)'),
});

export type ConsoleOptions = z.input<typeof consoleOptionsSchema>;
export type ConsoleSettings = z.output<typeof consoleOptionsSchema>;
