import { join } from 'node:path';
import { z } from 'zod';

/** The repository (contracts/, schemas/) this package lives in. */
export const DEFAULT_ROOT = join(import.meta.dirname, '..', '..', '..');

export const plantTelemetryConfigSchema = z.strictObject({
  kafka: z.strictObject({
    brokers: z.array(z.string().min(1)).min(1, 'must list at least one bootstrap broker').describe('Bootstrap brokers. Example: ["127.0.0.1:9092"]'),
    client: z.enum(['kafkajs', 'platformatic']).optional().describe('Kafka client adapter; the platform default when absent'),
    clientId: z.string().min(1).default('plant-telemetry').describe('Client id shown in broker logs'),
  }),
  registryUrl: z.url().describe('Schema registry base URL. Example: http://127.0.0.1:8081'),
  groupId: z.string().min(1).default('plant-telemetry.clean').describe('Consumer group of the clean job; its checkpoints topic is _fieldmesh.checkpoints.<groupId>'),
  root: z.string().min(1).default(DEFAULT_ROOT).describe('Repository root holding contracts/ and schemas/'),
  maxBatchRecords: z.number().int().min(1).max(100_000).default(2_000).describe('Most raw readings per handler call'),
  maxDedupeChunks: z.number().int().min(16).default(65_536).describe('Bound on deduplication memory, in chunks of 4096 sequence numbers (512 bytes each)'),
  topics: z
    .strictObject({ input: z.string().min(1).optional(), output: z.string().min(1).optional() })
    .default({})
    .describe('Topics other than the contract\'s raw and clean topics, for tests and side-by-side runs'),
  provision: z.boolean().default(true).describe('Provision the clean product from its contract at start (topic, retention, DLQ, compatibility, schema) and the DLQ of its input'),
});

export type PlantTelemetryConfig = z.output<typeof plantTelemetryConfigSchema>;
export type PlantTelemetryConfigInput = z.input<typeof plantTelemetryConfigSchema>;
