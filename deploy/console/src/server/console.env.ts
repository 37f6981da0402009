import { loadConfig } from '@fieldmesh/config';
import { z } from 'zod';
import type { ConsoleOptions } from './console.options';

// Keyed by the environment variable names so that a problem names the variable to fix.
const envSchema = z.object({
  FIELDMESH_CONSOLE_PORT: z.coerce.number().int().min(0).max(65_535).default(8090).describe('HTTP port of the console'),
  FIELDMESH_KAFKA_BROKERS: z.string({ error: 'is required: comma-separated bootstrap brokers, e.g. 127.0.0.1:9092' }).min(1),
  FIELDMESH_REGISTRY_URL: z.url({ error: 'is required: the schema registry, e.g. http://127.0.0.1:8081' }),
  FIELDMESH_TOKENS_FILE: z.string({ error: 'is required: the tokens file the registry uses (fieldmesh tokens create)' }).min(1),
  FIELDMESH_SERVICE_TOKEN: z.string().min(1).optional().describe("Service token for the console's own registry writes"),
  FIELDMESH_CONTRACTS_ROOT: z.string().min(1).default('.').describe('Repository root holding contracts/, schemas/, models/ and domains/'),
  FIELDMESH_CONSOLE_STATE_DIR: z.string().min(1).default('.fieldmesh/console'),
  FIELDMESH_CLICKHOUSE_URL: z.url().optional().describe('ClickHouse server of the sink; else FIELDMESH_CHDB_PATH, else no warehouse'),
  FIELDMESH_CLICKHOUSE_USER: z.string().min(1).default('default'),
  FIELDMESH_CLICKHOUSE_PASSWORD: z.string().default(''),
  FIELDMESH_CLICKHOUSE_DATABASE: z.string().min(1).default('fieldmesh'),
  FIELDMESH_CLICKHOUSE_ANALYST_PASSWORD_FILE: z.string().min(1).optional().describe('Password file of the ClickHouse analyst user sample queries run as'),
  FIELDMESH_CLICKHOUSE_ANALYST_USER: z.string().min(1).default('fieldmesh_analyst'),
  FIELDMESH_CLICKHOUSE_ANALYST_DATABASE: z.string().min(1).default('fieldmesh_analyst'),
  FIELDMESH_CHDB_PATH: z.string().min(1).optional(),
});

/** The console's options from FIELDMESH_* environment variables (ConfigInvalid names each bad one). */
export function consoleOptionsFromEnv(env: Record<string, string | undefined>): ConsoleOptions {
  const e = loadConfig(envSchema, env, 'Console environment');
  const database = e.FIELDMESH_CLICKHOUSE_DATABASE;
  const clickhouse = e.FIELDMESH_CLICKHOUSE_URL
    ? {
        url: e.FIELDMESH_CLICKHOUSE_URL,
        username: e.FIELDMESH_CLICKHOUSE_USER,
        password: e.FIELDMESH_CLICKHOUSE_PASSWORD,
        database,
        ...(e.FIELDMESH_CLICKHOUSE_ANALYST_PASSWORD_FILE
          ? {
              analyst: {
                username: e.FIELDMESH_CLICKHOUSE_ANALYST_USER,
                passwordFile: e.FIELDMESH_CLICKHOUSE_ANALYST_PASSWORD_FILE,
                database: e.FIELDMESH_CLICKHOUSE_ANALYST_DATABASE,
              },
            }
          : {}),
      }
    : e.FIELDMESH_CHDB_PATH
      ? { chdbPath: e.FIELDMESH_CHDB_PATH, database }
      : undefined;
  return {
    port: e.FIELDMESH_CONSOLE_PORT,
    host: '127.0.0.1',
    kafkaBrokers: e.FIELDMESH_KAFKA_BROKERS,
    registryUrl: e.FIELDMESH_REGISTRY_URL,
    tokensFile: e.FIELDMESH_TOKENS_FILE,
    contractsRoot: e.FIELDMESH_CONTRACTS_ROOT,
    stateDir: e.FIELDMESH_CONSOLE_STATE_DIR,
    ...(e.FIELDMESH_SERVICE_TOKEN ? { serviceToken: e.FIELDMESH_SERVICE_TOKEN } : {}),
    ...(clickhouse ? { clickhouse } : {}),
  };
}
