import { resolve } from 'node:path';
import { formatProblems, parseWith } from '@fieldmesh/config';
import { createKafka, type KafkaAdminPort, type KafkaPort } from '@fieldmesh/kafka';
import { z } from 'zod';
import { UsageError, type CliIo, type ParsedArgs } from './cli.command';

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
  .transform((text) => text.split(',').map((b) => b.trim()).filter(Boolean))
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

/** The Kafka cluster named by --brokers or FIELDMESH_KAFKA_BROKERS. */
export function kafkaOf(args: ParsedArgs, io: CliIo): { kafka: KafkaPort; brokers: string[] } {
  const { brokers: list } = parseOrThrow(z.object({ brokers }), { brokers: args.values.brokers ?? io.env.FIELDMESH_KAFKA_BROKERS });
  return { kafka: createKafka({ clientId: 'fieldmesh-cli', brokers: list }), brokers: list };
}

export function registryOf(args: ParsedArgs, io: CliIo): string {
  return parseOrThrow(z.object({ registry: registryUrl }), { registry: args.values.registry ?? io.env.FIELDMESH_REGISTRY_URL }).registry;
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
