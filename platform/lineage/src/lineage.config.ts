import { DEFAULT_REPLICATION_FACTOR } from '@fieldmesh/kafka';
import type { KafkaPort } from '@fieldmesh/kafka';
import { z } from 'zod';
import { FIELDMESH_PRODUCER } from './facets';
import { LINEAGE_TOPIC } from './lineage.topic';

const kafkaPort = z.custom<KafkaPort>(
  (value) => typeof value === 'object' && value !== null && typeof (value as KafkaPort).producer === 'function' && typeof (value as KafkaPort).admin === 'function',
  { message: 'must be a KafkaPort from createKafka()' },
);

/** Where lineage goes: the Kafka topic, an OpenLineage HTTP endpoint, or both. */
export const lineageEmitterConfigSchema = z
  .strictObject({
    kafka: kafkaPort.optional().describe('The cluster to publish events on, from createKafka()'),
    topic: z.string().min(1).default(LINEAGE_TOPIC).describe('The lineage topic'),
    replicationFactor: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_REPLICATION_FACTOR)
      .describe('Replication of the lineage topic when the emitter creates it (capped by the cluster)'),
    httpUrl: z.url().optional().describe('Base URL of an OpenLineage endpoint (events go to <url>/api/v1/lineage), e.g. http://127.0.0.1:5000'),
    apiKey: z.string().min(1).optional().describe('Bearer token for the HTTP endpoint'),
    httpTimeoutMs: z.number().int().positive().default(5_000),
    namespace: z.string().min(1).default('fieldmesh').describe('Namespace of the jobs this emitter reports'),
    producer: z.url().default(FIELDMESH_PRODUCER).describe('URI of the program that emits, per the OpenLineage spec'),
  })
  .refine((config) => config.kafka !== undefined || config.httpUrl !== undefined, {
    message: 'needs kafka (a KafkaPort) or httpUrl, or both: lineage must go somewhere',
    path: ['kafka'],
  });

export type LineageEmitterConfig = z.input<typeof lineageEmitterConfigSchema>;
export type LineageEmitterSettings = z.output<typeof lineageEmitterConfigSchema>;
