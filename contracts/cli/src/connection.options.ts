import { resolve } from 'node:path';
import { formatProblems, parseWith, registryAuthFromEnv } from '@fieldmesh/config';
import { createKafka, type KafkaAdminPort, type KafkaPort } from '@fieldmesh/kafka';
import { z } from 'zod';
import { UsageError, type CliIo, type ParsedArgs } from './cli.command';
import { ContractsApiClient } from './contracts-api.client';

/** Options every command that talks to the platform shares. */
export const CONNECTION_OPTIONS = {
  brokers: { type: 'string' },
  registry: { type: 'string' },
  root: { type: 'string' },
} as const;

export const CONNECTION_HELP = `Connection:
  --brokers <host:port,...>  Kafka bootstrap brokers (default: env FIELDMESH_KAFKA_BROKERS)
  --registry <url>           schema registry URL (default: env FIELDMESH_REGISTRY_URL)
  --root <dir>               where contracts/ and schemas/ are (default: the current directory)`;

const brokers = z
  .string({ error: 'is required: pass --brokers host:port or set FIELDMESH_KAFKA_BROKERS' })
  .transform((text) =>
    text
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9092')).min(1, 'must list at least one broker'));
const registryUrl = z.url({ error: 'must be the schema registry URL, e.g. http://127.0.0.1:8081 (--registry or FIELDMESH_REGISTRY_URL)' });

function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = parseWith(schema, input);
  if (!result.ok) throw new UsageError(`Invalid connection settings:\n${formatProblems(result.problems)}`);
  return result.value;
}

export function rootOf(args: ParsedArgs, io: CliIo): string {
  return resolve(io.cwd, typeof args.values.root === 'string' ? args.values.root : '.');
}

/** The brokers named by --brokers or FIELDMESH_KAFKA_BROKERS. */
export function brokersOf(args: ParsedArgs, io: CliIo): string[] {
  return parseOrThrow(z.object({ brokers }), { brokers: args.values.brokers ?? io.env.FIELDMESH_KAFKA_BROKERS }).brokers;
}

/** The Kafka cluster named by --brokers or FIELDMESH_KAFKA_BROKERS. */
export function kafkaOf(args: ParsedArgs, io: CliIo): { kafka: KafkaPort; brokers: string[] } {
  const list = brokersOf(args, io);
  return { kafka: createKafka({ clientId: 'fieldmesh-cli', brokers: list }), brokers: list };
}

export function registryOf(args: ParsedArgs, io: CliIo): string {
  return parseOrThrow(z.object({ registry: registryUrl }), { registry: args.values.registry ?? io.env.FIELDMESH_REGISTRY_URL }).registry;
}

/** The caller's registry token: --token, else FIELDMESH_TOKEN (a person's), else FIELDMESH_REGISTRY_TOKEN (the environment's clients'). */
function tokenOf(args: ParsedArgs, io: CliIo): string | undefined {
  if (typeof args.values.token === 'string') return args.values.token || undefined;
  return io.env.FIELDMESH_TOKEN || registryAuthFromEnv('fieldmesh-cli', io.env)?.password;
}

/**
 * Credentials for the registry writes a command makes (compatibility levels, schemas): the token of tokenOf,
 * sent as the Basic auth password as Confluent clients send it; none = anonymous, which a governed registry refuses.
 */
export function registryAuthOf(args: ParsedArgs, io: CliIo): { username: string; password: string } | undefined {
  const token = tokenOf(args, io);
  return token ? { username: 'fieldmesh-cli', password: token } : undefined;
}

/** Runs `work` with a connected admin client and always disconnects it. */
export async function withAdmin<T>(kafka: KafkaPort, work: (admin: KafkaAdminPort) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Options of the commands that call the registry's contract lifecycle API. */
export const REMOTE_OPTIONS = {
  registry: { type: 'string' },
  token: { type: 'string' },
} as const;

export const REMOTE_HELP = `Connection:
  --registry <url>   the registry (default: env FIELDMESH_REGISTRY_URL)
  --token <token>    your API token, sent as 'Authorization: Bearer' (default: env FIELDMESH_TOKEN, else FIELDMESH_REGISTRY_TOKEN;
                     'fieldmesh tokens create' issues one)`;

/** The registry's contracts API as the caller (the token of tokenOf; none = anonymous, reads only). */
export function contractsApiOf(args: ParsedArgs, io: CliIo): ContractsApiClient {
  return new ContractsApiClient(registryOf(args, io), tokenOf(args, io));
}

export const TOKENS_FILE_OPTION = { 'tokens-file': { type: 'string' } } as const;

/** The tokens file named by --tokens-file or FIELDMESH_TOKENS_FILE. */
export function tokensFileOf(args: ParsedArgs, io: CliIo): string {
  const file = typeof args.values['tokens-file'] === 'string' ? args.values['tokens-file'] : io.env.FIELDMESH_TOKENS_FILE;
  if (!file) throw new UsageError('No tokens file: pass --tokens-file <file> or set FIELDMESH_TOKENS_FILE (the file the registry and the console read).');
  return resolve(io.cwd, file);
}
