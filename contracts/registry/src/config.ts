import type { KafkaSecurity } from '@fieldmesh/kafka';
import { loadConfig } from '@fieldmesh/config';
import { z } from 'zod';
import { defaultAllowedHosts } from './http/host.check';

export const DEFAULT_AUDIT_TOPIC = '_fieldmesh.contract-audit';
export const DEFAULT_LINEAGE_TOPIC = '_fieldmesh.lineage';

/** Governed mode: tokens protect the write endpoints, and contract-governed subjects take approved schemas only. */
export interface GovernanceConfig {
  /** The tokens file of @fieldmesh/auth (`fieldmesh tokens create` writes it). */
  tokensFile: string;
  /** The contract audit log. Default `_fieldmesh.contract-audit`. */
  auditTopic?: string;
  /** Where lineage is read for proposals' downstream impact. Default `_fieldmesh.lineage`. */
  lineageTopic?: string;
}

export interface RegistryConfig {
  port: number;
  /** The address to listen on. Beyond loopback it needs `governance` (or `allowUnauthenticatedNetworkBind`). */
  host: string;
  /**
   * Host names (no port) the registry answers for; a request with another Host header gets 421 (DNS rebinding).
   * Default: localhost, 127.0.0.1, [::1] and `host`.
   */
  allowedHosts?: string[] | undefined;
  /** Listen on a non-loopback address without tokens anyway (logged as a warning at start). Default false. */
  allowUnauthenticatedNetworkBind?: boolean | undefined;
  brokers: string[];
  /** SASL_SSL as the registry's own principal; the FIELDMESH_KAFKA_* environment when absent. */
  kafkaSecurity?: KafkaSecurity | undefined;
  /** The compacted topic holding the registry's state. */
  topic: string;
  /** Absent: the registry is open, as a plain Confluent-compatible registry. */
  governance?: GovernanceConfig;
}

const hostNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$/,
    'must be a host name or address as clients write it in URLs, without scheme or port, e.g. registry.plant.local, 10.0.0.5 or [fd00::5]',
  );
const allowedHostsSchema = z.array(hostNameSchema).min(1, 'must name at least one host, or be left unset for the defaults');

/** The host names the registry answers for: `allowedHosts` validated, or the defaults for its bind host. */
export function resolveAllowedHosts(config: Pick<RegistryConfig, 'host' | 'allowedHosts'>): string[] {
  if (config.allowedHosts === undefined) return defaultAllowedHosts(config.host);
  return loadConfig(z.object({ allowedHosts: allowedHostsSchema }), { allowedHosts: config.allowedHosts }, 'Registry config').allowedHosts;
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
  FIELDMESH_REGISTRY_ALLOWED_HOSTS: z
    .string()
    .transform((list) => list.split(',').map((name) => name.trim()))
    .pipe(allowedHostsSchema)
    .optional()
    .describe('Comma-separated host names the API answers for (Host header, port ignored); default localhost, 127.0.0.1, [::1] and the listen address'),
  FIELDMESH_REGISTRY_ALLOW_UNAUTHENTICATED_NETWORK_BIND: z
    .stringbool({ error: "must be 'true' or 'false'" })
    .default(false)
    .describe('Listen on a non-loopback address without a tokens file anyway (a warning at start)'),
  FIELDMESH_KAFKA_BROKERS: z
    .string({ error: 'is required: comma-separated bootstrap brokers, e.g. 127.0.0.1:9092' })
    .min(1, 'is required: comma-separated bootstrap brokers, e.g. 127.0.0.1:9092')
    .describe('Kafka bootstrap brokers holding the registry topic'),
  FIELDMESH_REGISTRY_TOPIC: z.string().min(1).default('_schemas').describe('Compacted topic storing schemas and config'),
  FIELDMESH_REGISTRY_TOKENS_FILE: z
    .string()
    .min(1, 'must be the path of the tokens file, or unset to run the registry open')
    .optional()
    .describe('Tokens file; when set the registry runs governed (tokens on write endpoints, contract review)'),
  FIELDMESH_REGISTRY_AUDIT_TOPIC: z.string().min(1).default(DEFAULT_AUDIT_TOPIC).describe('Topic of the contract audit log (governed mode)'),
  FIELDMESH_REGISTRY_LINEAGE_TOPIC: z.string().min(1).default(DEFAULT_LINEAGE_TOPIC).describe("Lineage topic read for proposals' downstream impact (governed mode)"),
});

/** Reads the registry's configuration from environment variables, throwing ConfigInvalid naming each bad one. */
export function registryConfigFromEnv(env: Record<string, string | undefined>): RegistryConfig {
  const parsed = loadConfig(envSchema, env, 'Registry environment');
  return {
    port: parsed.FIELDMESH_REGISTRY_PORT,
    host: parsed.FIELDMESH_REGISTRY_HOST,
    ...(parsed.FIELDMESH_REGISTRY_ALLOWED_HOSTS === undefined ? {} : { allowedHosts: parsed.FIELDMESH_REGISTRY_ALLOWED_HOSTS }),
    allowUnauthenticatedNetworkBind: parsed.FIELDMESH_REGISTRY_ALLOW_UNAUTHENTICATED_NETWORK_BIND,
    brokers: parsed.FIELDMESH_KAFKA_BROKERS.split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    topic: parsed.FIELDMESH_REGISTRY_TOPIC,
    ...(parsed.FIELDMESH_REGISTRY_TOKENS_FILE === undefined
      ? {}
      : {
          governance: {
            tokensFile: parsed.FIELDMESH_REGISTRY_TOKENS_FILE,
            auditTopic: parsed.FIELDMESH_REGISTRY_AUDIT_TOPIC,
            lineageTopic: parsed.FIELDMESH_REGISTRY_LINEAGE_TOPIC,
          },
        }),
  };
}
