import { readFileSync } from 'node:fs';
import { KAFKA_SECURITY_ENV } from '@fieldmesh/config';
import { z } from 'zod';
import type { BaseOptions } from './platformatic.base';

/**
 * How a client authenticates and encrypts, as Kafka's client properties say it (`security.protocol`,
 * `ssl.truststore.location`, `sasl.mechanism`, the JAAS username and password): SASL_SSL, or PLAINTEXT as
 * an explicit, logged choice. The password comes from a file or the environment, never a command line.
 */
export const kafkaSecuritySchema = z.discriminatedUnion('protocol', [
  z.strictObject({ protocol: z.literal('PLAINTEXT').describe('No TLS, no authentication: only where the network is trusted') }),
  z.strictObject({
    protocol: z.literal('SASL_SSL'),
    caFile: z.string().min(1).optional().describe('PEM file of the CA the brokers are verified against; the system CAs when absent'),
    sasl: z.strictObject({
      mechanism: z.enum(['SCRAM-SHA-512', 'SCRAM-SHA-256']).default('SCRAM-SHA-512'),
      username: z.string().min(1, 'must name the principal').describe('The SCRAM user: the principal ACLs name (User:<username>)'),
      passwordFile: z.string().min(1).optional().describe('File holding the password (one line); preferred'),
      password: z.string().min(1).optional().describe('The password itself, for callers that read it from a secret store; never from a command line'),
    }),
  }),
]);

export type KafkaSecurity = z.output<typeof kafkaSecuritySchema>;

/** What the adapters get: the CA's PEM and the password read, ready for the TLS and SASL handshakes. */
export type ResolvedKafkaSecurity =
  { protocol: 'PLAINTEXT' } | { protocol: 'SASL_SSL'; ca: string | undefined; sasl: { mechanism: 'SCRAM-SHA-512' | 'SCRAM-SHA-256'; username: string; password: string } };

/** The security the environment describes, or undefined when it sets no protocol. */
export function kafkaSecurityFromEnv(env: NodeJS.ProcessEnv = process.env): unknown {
  const protocol = env[KAFKA_SECURITY_ENV.protocol];
  if (!protocol) return undefined;
  if (protocol !== 'SASL_SSL') return { protocol };
  const optional = (key: string, value: string | undefined) => (value ? { [key]: value } : {});
  return {
    protocol,
    ...optional('caFile', env[KAFKA_SECURITY_ENV.caFile]),
    sasl: {
      ...optional('mechanism', env[KAFKA_SECURITY_ENV.mechanism]),
      username: env[KAFKA_SECURITY_ENV.username] ?? '',
      ...optional('password', env[KAFKA_SECURITY_ENV.password]),
      ...optional('passwordFile', env[KAFKA_SECURITY_ENV.passwordFile]),
    },
  };
}

let warnedPlaintext = false;

/**
 * Reads the CA and the password the security names. PLAINTEXT (asked for, or nothing configured anywhere)
 * is logged once per process, so an insecure client is never a silent one.
 */
export function resolveKafkaSecurity(security: KafkaSecurity | undefined, clientId: string, warn: (line: string) => void = console.warn): ResolvedKafkaSecurity {
  if (!security || security.protocol === 'PLAINTEXT') {
    if (!warnedPlaintext) {
      warnedPlaintext = true;
      warn(`Kafka client ${clientId}: PLAINTEXT, no TLS and no authentication (${security ? 'configured' : `no security configured and ${KAFKA_SECURITY_ENV.protocol} unset`})`);
    }
    return { protocol: 'PLAINTEXT' };
  }
  const { sasl } = security;
  const password = sasl.password ?? (sasl.passwordFile ? readFileSync(sasl.passwordFile, 'utf8').trim() : undefined);
  if (!password) throw new TypeError(`Kafka client ${clientId}: security.sasl needs passwordFile or password (or ${KAFKA_SECURITY_ENV.passwordFile})`);
  return {
    protocol: 'SASL_SSL',
    ca: security.caFile ? readFileSync(security.caFile, 'utf8') : undefined,
    sasl: { mechanism: sasl.mechanism, username: sasl.username, password },
  };
}

/** The TLS and SASL options of a @platformatic/kafka client (producer, consumer, admin or bare connection); none for PLAINTEXT. */
export function platformaticSecurityOptions(security: ResolvedKafkaSecurity): Pick<BaseOptions, 'tls' | 'sasl'> {
  return security.protocol === 'SASL_SSL' ? { tls: security.ca ? { ca: security.ca } : {}, sasl: security.sasl } : {};
}
