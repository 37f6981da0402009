import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@fieldmesh/config';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type TariffConfig, tariffConfigSchema } from './consumption-15m/tariff.config';

/** The repository (contracts/, schemas/) this package lives in. */
export const DEFAULT_ROOT = join(import.meta.dirname, '..', '..', '..');

/** The simulated plant's tariffs, shipped beside this package. */
export const DEFAULT_TARIFFS_FILE = join(import.meta.dirname, '..', 'tariffs.yaml');

export const energyConfigSchema = z.strictObject({
  kafka: z.strictObject({
    brokers: z.array(z.string().min(1)).min(1, 'must list at least one bootstrap broker').describe('Bootstrap brokers. Example: ["127.0.0.1:9092"]'),
    client: z.enum(['kafkajs', 'platformatic']).optional().describe('Kafka client adapter; the platform default when absent'),
    clientId: z.string().min(1).default('energy').describe('Client id shown in broker logs'),
  }),
  registryUrl: z.url().describe('Schema registry base URL. Example: http://127.0.0.1:8081'),
  groupId: z.string().min(1).default('energy.consumption-15m').describe('Consumer group; its checkpoints topic is _fieldmesh.checkpoints.<groupId>'),
  root: z.string().min(1).default(DEFAULT_ROOT).describe('Repository root holding contracts/ and schemas/'),
  tariffs: tariffConfigSchema.optional().describe('Prices per site (see tariffs.yaml, used when absent); a site without a tariff and no default gets no cost'),
  maxGapMs: z.number().int().positive().default(60_000).describe('Longest gap between power readings that is still integrated, in ms'),
  maxBatchRecords: z.number().int().min(1).max(100_000).default(2_000).describe('Most clean readings per handler call'),
  topics: z
    .strictObject({ input: z.string().min(1).optional(), output: z.string().min(1).optional() })
    .default({})
    .describe("Topics other than the contract's clean and consumption topics, for tests and side-by-side runs"),
  provision: z.boolean().default(true).describe('Provision the consumption product from its contract at start (topic, retention, DLQ, compatibility, schema) and the DLQ of its input'),
});

export type EnergyConfig = z.output<typeof energyConfigSchema>;
export type EnergyConfigInput = z.input<typeof energyConfigSchema>;

/** A tariffs YAML file, validated; problems name the field. */
export function loadTariffs(file: string = DEFAULT_TARIFFS_FILE): TariffConfig {
  return loadConfig(tariffConfigSchema, parseYaml(readFileSync(file, 'utf8')), `tariffs ${file}`);
}
