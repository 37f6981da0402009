import { join } from 'node:path';
import { kafkaConnectionSchema } from '@fieldmesh/kafka';
import { z } from 'zod';

/** The repository (contracts/, schemas/, domains/) this package lives in. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

/** The fields every domain's config has, whatever its products. */
export function platformConfigSchema(domain: string) {
  return z.strictObject({
    kafka: kafkaConnectionSchema(domain),
    registryUrl: z.url().describe('Schema registry base URL. Example: http://127.0.0.1:8081'),
    root: z.string().min(1).default(REPO_ROOT).describe('Repository root holding contracts/ and schemas/'),
    provision: z
      .boolean()
      .default(true)
      .describe("Provision the domain's products from their contracts at start (topics, retention, DLQs, compatibility, schemas) and the DLQs of their inputs"),
    maxBatchRecords: z.number().int().min(1).max(100_000).default(2_000).describe('Most input records per handler call'),
    groups: z
      .record(z.string(), z.string().min(1))
      .default({})
      .describe("Consumer group by product name, other than <domain>.<product>; a job's checkpoints topic is _fieldmesh.checkpoints.<group>"),
    fromBeginning: z
      .boolean()
      .default(true)
      .describe(
        "Where a job's group with no committed offsets starts: at its input's beginning, or (false) at its end, for a run that shares no records or watermarks with earlier runs",
      ),
    instance: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'must be a short name of letters, digits, dots, dashes or underscores, e.g. 0')
      .optional()
      .describe(
        "This instance's name when several run each job in one consumer group: every job then runs exactly-once under transactional.id <group>.<instance> (platformatic client). Example: 0",
      ),
    sessionTimeoutMs: z
      .number()
      .int()
      .min(6_000)
      .max(300_000)
      .optional()
      .describe('How long a consumer group waits for a silent instance (killed) before its partitions move to the others. Default 30000'),
    singletonJobs: z
      .boolean()
      .default(true)
      .describe(
        'With instance: whether this instance runs the jobs of products declared scaleOut: false (their outputs need all their input in one place, e.g. energy rollups). True in exactly one instance of a domain',
      ),
    topics: z
      .record(z.string(), z.string().min(1))
      .default({})
      .describe("Topic by contract id, other than the contract's, for tests and side-by-side runs. Example: { plant-telemetry.clean: clean.test-1 }"),
  });
}

export type DomainPlatformConfig = z.output<ReturnType<typeof platformConfigSchema>>;

/** A domain's whole config: the platform's fields and the domain's settings side by side. */
export function domainConfigSchema<Schema extends z.ZodObject>(domain: { name: string; settings: Schema }) {
  return platformConfigSchema(domain.name).extend(domain.settings.shape);
}
