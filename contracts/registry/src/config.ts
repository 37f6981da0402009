import { loadConfig } from '@fieldmesh/config';
import { z } from 'zod';

export interface RegistryConfig {
  port: number;
  host: string;
  brokers: string[];
  /** The compacted topic holding the registry's state. */
  topic: string;
}

// Keyed by the environment variable names so that a problem names the variable to fix.
const envSchema = z.object({
  FIELDMESH_REGISTRY_PORT: z.coerce
    .number()
    .int()
    .min(0, 'must be a TCP port (0 picks a free one)')
    .max(65_535, 'must be a TCP port (0 picks a free one)')
    .default(8081)
    .describe('HTTP port of the registry API'),
  FIELDMESH_REGISTRY_HOST: z.string().min(1).default('127.0.0.1').describe('Address the API listens on'),
  FIELDMESH_KAFKA_BROKERS: z
    .string({ error: 'is required: comma-separated bootstrap brokers, e.g. 127.0.0.1:9092' })
    .min(1, 'is required: comma-separated bootstrap brokers, e.g. 127.0.0.1:9092')
    .describe('Kafka bootstrap brokers holding the registry topic'),
  FIELDMESH_REGISTRY_TOPIC: z.string().min(1).default('_schemas').describe('Compacted topic storing schemas and config'),
});

/** Reads the registry's configuration from environment variables, throwing ConfigInvalid naming each bad one. */
export function registryConfigFromEnv(env: Record<string, string | undefined>): RegistryConfig {
  const parsed = loadConfig(envSchema, env, 'Registry environment');
  return {
    port: parsed.FIELDMESH_REGISTRY_PORT,
    host: parsed.FIELDMESH_REGISTRY_HOST,
    brokers: parsed.FIELDMESH_KAFKA_BROKERS.split(',').map((broker) => broker.trim()).filter(Boolean),
    topic: parsed.FIELDMESH_REGISTRY_TOPIC,
  };
}
