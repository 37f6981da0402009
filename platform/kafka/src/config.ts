import { parseWith } from '@fieldmesh/config';
import { z } from 'zod';
import { KafkaConfigInvalid } from './errors';
import { kafkaSecuritySchema } from './kafka.security';

/** The adapter used when a config names none: the faster one in bench/client-throughput.bench.ts. */
export const DEFAULT_CLIENT = 'platformatic';

/** Kafka's own default delivery.timeout.ms (2 minutes): a send rides through a leader election and a broker restart. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

const broker = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9092');

export const kafkaClientConfigSchema = z.strictObject({
  clientId: z.string().min(1, 'must name this program, e.g. edge-gateway').describe('Client id shown in broker logs and quotas'),
  brokers: z.array(broker).min(1, 'must list at least one bootstrap broker').describe('Bootstrap brokers, e.g. ["127.0.0.1:9092"]'),
  client: z.enum(['kafkajs', 'platformatic']).default(DEFAULT_CLIENT).describe('Which adapter implements the port'),
  security: kafkaSecuritySchema.optional().describe('TLS and SASL; the FIELDMESH_KAFKA_* environment when absent'),
});

export const producerOptionsSchema = z.strictObject({
  compression: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('lz4'),
  lingerMs: z.number().int().min(0).max(60_000).default(0),
  deliveryTimeoutMs: z
    .number()
    .int()
    .min(1_000)
    .max(3_600_000)
    .default(DEFAULT_DELIVERY_TIMEOUT_MS)
    .describe(
      "Kafka's delivery.timeout.ms: how long a send() may retry (no leader, a broker down, too few in-sync replicas) before it fails. " +
        'Bounded by time, not by a retry count, so that it covers a leader election after a broker dies (its session timeout, then the election).',
    ),
});

export const consumerOptionsSchema = z.strictObject({
  groupId: z.string().min(1, 'must name the consumer group'),
  topics: z.array(z.string().min(1)).min(1, 'must list at least one topic'),
  fromBeginning: z.boolean().default(true),
  maxBatchRecords: z.number().int().min(1).max(100_000).default(500),
  maxWaitMs: z.number().int().min(0).max(60_000).default(500),
  sessionTimeoutMs: z.number().int().min(6_000).max(300_000).default(30_000),
  retryBackoffMs: z.number().int().min(0).max(600_000).default(500),
  transactionalId: z.string().min(1, 'must name this member, e.g. <groupId>.<instance>').optional(),
  transactionTimeoutMs: z.number().int().min(1_000).max(900_000).default(60_000),
});

export type KafkaClientSettings = z.output<typeof kafkaClientConfigSchema>;
export type ProducerSettings = z.output<typeof producerOptionsSchema>;
export type ConsumerSettings = z.output<typeof consumerOptionsSchema>;

/** Parses options with their schema, or throws KafkaConfigInvalid listing every wrong field. */
export function parseOptions<S extends z.ZodType>(source: string, schema: S, input: unknown): z.output<S> {
  const result = parseWith(schema, input);
  if (!result.ok) throw new KafkaConfigInvalid(source, result.problems);
  return result.value;
}
