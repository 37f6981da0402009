import { DEFAULT_REPLICATION_FACTOR, defaultMinInSyncReplicas } from '@fieldmesh/kafka';
import { z } from 'zod';
import { durationToMs, isIsoDuration } from './iso-duration';

const isoDuration = z.string().refine(isIsoDuration, { message: 'must be an ISO 8601 duration such as P7D or PT30S' });

export const compatibilityModes = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;

export const classifications = ['public', 'internal', 'personal'] as const;

/** How a personal field leaves the site: a keyed hash (stable pseudonym) or not at all. */
export const maskings = ['none', 'pseudonymise', 'drop'] as const;

const fieldSemantics = z
  .strictObject({
    description: z.string().min(1),
    unit: z.string().optional(),
    classification: z.enum(classifications),
    masking: z.enum(maskings).default('none'),
  })
  .refine((f) => f.classification !== 'personal' || f.masking !== 'none', {
    message: "a personal field needs masking 'pseudonymise' or 'drop'",
    path: ['masking'],
  });

/** Every rule names its field; `where` limits it to records whose fields equal the given values (e.g. one signal). */
const ruleBase = { name: z.string().min(1), field: z.string().min(1), where: z.record(z.string(), z.string()).optional() };

const qualityRule = z.discriminatedUnion('rule', [
  z.strictObject({ ...ruleBase, rule: z.literal('finite') }),
  z.strictObject({ ...ruleBase, rule: z.literal('notNull') }),
  z.strictObject({ ...ruleBase, rule: z.literal('range'), min: z.number().optional(), max: z.number().optional() }),
  z.strictObject({ ...ruleBase, rule: z.literal('pattern'), pattern: z.string() }),
  z.strictObject({ ...ruleBase, rule: z.literal('allowedValues'), values: z.array(z.string()).min(1) }),
]);

/**
 * How a stream job derives the product in event time, so the job reads its lateness, deduplication and
 * window from the contract instead of restating them. `lateReadings` says what happens to an input
 * reading older than the newest one of its series by more than `allowedLateness`: `flag` keeps it,
 * marked; `dlq` dead-letters it with the reason. Nothing late is dropped silently.
 */
const processing = z.strictObject({
  eventTime: z.string().min(1),
  allowedLateness: isoDuration,
  lateReadings: z.enum(['flag', 'dlq']),
  deduplication: z.strictObject({ key: z.array(z.string().min(1)).min(1), horizon: isoDuration }).optional(),
  window: z.strictObject({ size: isoDuration }).optional(),
});

/** What `timeliness.maxClockSkew` is when a contract does not say: generous for NTP-less devices, far below a broken clock's jump. */
export const DEFAULT_MAX_CLOCK_SKEW = 'PT5M';

/**
 * How far a record's event time may run ahead of the clock of the service that receives it. A reading
 * stamped beyond it comes from a broken device clock: it is dead-lettered with the reason and never
 * moves event time forward, since one such reading would otherwise close every window and make all
 * later readings late. Enforced by the edge gateway for the products it writes and by the stream
 * runtime's windows for their inputs.
 */
const timeliness = z.strictObject({
  eventTime: z.string().min(1).describe('The field holding when the reading was taken at its source'),
  // Optional rather than defaulted, as freshness basis is: read it with maxClockSkewMsOf.
  maxClockSkew: isoDuration.optional().describe(`How far ahead of the receiver's clock an event time may be; default ${DEFAULT_MAX_CLOCK_SKEW}`),
});

/**
 * What a product's freshness objective judges. `continuous`: records flow all the time (telemetry,
 * windows), so silence longer than maxAge means a stopped source. `event-driven`: records appear only
 * when something happens (alerts, model promotions), so silence is normal and says nothing about
 * staleness; such a product's freshness is not judged from the age of its newest record.
 */
export const freshnessBases = ['continuous', 'event-driven'] as const;
export type FreshnessBasis = (typeof freshnessBases)[number];

const kebab = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Rows of the product's ClickHouse table that analysts of a domain may read: a contract with row
 * policies grants its rows to the named domains' analysts only, each through its filter (a ClickHouse
 * boolean expression over the table's columns). Analysts of other domains do not get the table;
 * platform-wide analysts still read every row. The filter is SQL: it is reviewed with the contract, and
 * runs in a view as the warehouse's gateway user, which reads the product database only.
 */
const rowPolicy = z.strictObject({
  domain: z.string().regex(kebab, 'must be the kebab-case name of the domain whose analysts get these rows'),
  filter: z
    .string()
    .min(1)
    .refine((f) => !f.includes(';'), { message: 'must be one ClickHouse boolean expression, without ;' })
    .describe("e.g. \"signal IN ('power', 'load')\""),
  description: z.string().optional(),
});

const warehouse = z.strictObject({
  rowPolicies: z
    .array(rowPolicy)
    .default([])
    .refine((policies) => new Set(policies.map((p) => p.domain)).size === policies.length, { message: 'one row policy per domain: combine the filters with OR' }),
});

const topicName = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.v\d+$/;

/** A data product's contract, `contracts/<domain>/<product>.yaml`. Field names follow ODCS where they fit. */
export const dataContractSchema = z.strictObject({
  apiVersion: z.literal('fieldmesh.dev/v1'),
  kind: z.literal('DataContract'),
  id: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version such as 1.2.0'),
  status: z.enum(['draft', 'proposed', 'approved', 'active', 'deprecated', 'retired']),
  domain: z.string().regex(kebab, 'must be kebab-case'),
  dataProduct: z.string().regex(kebab, 'must be kebab-case'),
  description: z.strictObject({ purpose: z.string().min(1), usage: z.string().optional(), limitations: z.string().optional() }),
  owner: z.strictObject({ team: z.string().min(1), contact: z.string().min(1) }),
  schema: z.strictObject({ type: z.literal('avro'), ref: z.string().endsWith('.avsc') }),
  kafka: z
    .strictObject({
      topic: z.string().regex(topicName, 'must be <domain>.<product>.v<major>'),
      partitions: z.number().int().positive(),
      replicationFactor: z
        .number()
        .int()
        .positive()
        .default(DEFAULT_REPLICATION_FACTOR)
        .describe('Copies of each partition a production cluster keeps (default 3); a smaller cluster gives at most one per broker, with a warning'),
      minInSyncReplicas: z
        .number()
        .int()
        .positive()
        .optional()
        .describe("The topic's min.insync.replicas (default 2): copies an acks=all write needs; capped by the replication factor the cluster gives"),
      key: z.string().min(1),
      writers: z
        .array(z.enum(['console']))
        .optional()
        .describe("Components besides the owning domain's jobs that write the topic (a WRITE grant each): `console`, people's steps of a workflow the product logs"),
    })
    .refine((kafka) => kafka.minInSyncReplicas === undefined || kafka.minInSyncReplicas <= kafka.replicationFactor, {
      path: ['minInSyncReplicas'],
      message: 'must be at most replicationFactor: acks=all writes could never succeed',
    }),
  compatibility: z.enum(compatibilityModes),
  retention: z.strictObject({ kafka: isoDuration, warehouse: isoDuration }),
  slos: z.strictObject({
    // Optional rather than defaulted so contracts written before it (and audit-log copies) stay valid as
    // they are; read it with freshnessBasisOf, which supplies the default.
    freshness: z.strictObject({ maxAge: isoDuration, basis: z.enum(freshnessBases).optional() }),
    completeness: z.strictObject({ minRatio: z.number().min(0).max(1), window: isoDuration }),
  }),
  fields: z.record(z.string(), fieldSemantics),
  quality: z.array(qualityRule).default([]),
  upstream: z.array(z.string()).default([]),
  processing: processing.optional(),
  timeliness: timeliness.optional(),
  warehouse: warehouse.optional(),
});

export type DataContract = z.output<typeof dataContractSchema>;
export type QualityRule = DataContract['quality'][number];
export type CompatibilityMode = (typeof compatibilityModes)[number];

/** The contract's freshness basis; `continuous` when the contract does not say. */
export function freshnessBasisOf(contract: Pick<DataContract, 'slos'>): FreshnessBasis {
  return contract.slos.freshness.basis ?? 'continuous';
}

/**
 * The contract's `min.insync.replicas`; when it does not say (optional, as `freshness.basis`, so older copies
 * stay valid), defaultMinInSyncReplicas: 2, or all replicas of a contract asking for fewer.
 */
export function minInSyncReplicasOf(contract: Pick<DataContract, 'kafka'>): number {
  return contract.kafka.minInSyncReplicas ?? defaultMinInSyncReplicas(contract.kafka.replicationFactor);
}

/** The contract's maximum clock skew in milliseconds; DEFAULT_MAX_CLOCK_SKEW when the contract does not say. */
export function maxClockSkewMsOf(contract: Pick<DataContract, 'timeliness'>): number {
  return durationToMs(contract.timeliness?.maxClockSkew ?? DEFAULT_MAX_CLOCK_SKEW);
}
