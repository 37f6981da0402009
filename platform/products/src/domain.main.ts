import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigInvalid, loadConfig } from '@fieldmesh/config';
import { MetricsPortInUse } from '@fieldmesh/observability';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { DomainDeclaration } from './domain.declaration';
import { serveDomainMetrics } from './domain.metrics';
import { startDomain } from './domain.runtime';

/** The gateway serves its metrics on 9464 by default; a domain beside it on the next port. */
export const DEFAULT_METRICS_PORT = 9465;

const PORT = /^\d{1,5}$/;

/** A domain's command line, checked like a config: each problem names its flag. */
const commandLineSchema = z.strictObject({
  config: z.string().min(1).optional().describe("YAML file with the platform's fields and the domain's settings"),
  brokers: z.string().min(1).optional().describe('Kafka bootstrap servers, comma-separated (overrides kafka.brokers of --config). Example: 127.0.0.1:9092'),
  registry: z.string().min(1).optional().describe('Schema registry URL (overrides registryUrl of --config). Example: http://127.0.0.1:8081'),
  'metrics-port': z
    .string()
    .default(String(DEFAULT_METRICS_PORT))
    .refine((port) => port === 'off' || (PORT.test(port) && Number(port) <= 65_535), 'expected a port from 0 to 65535 (0 picks a free one), or off')
    .transform((port) => (port === 'off' ? undefined : Number(port)))
    .describe(`Port of /metrics (Prometheus) and /health; 0 picks a free one, off serves none. Default ${DEFAULT_METRICS_PORT}`),
  'metrics-host': z.string().min(1).default('127.0.0.1').describe('Address /metrics and /health listen on; 0.0.0.0 for a Prometheus on another host. Default 127.0.0.1'),
  help: z.boolean().default(false).describe('Print this help'),
});

export interface DomainCommandLine {
  config?: string;
  brokers?: string;
  registry?: string;
  /** Where to serve /metrics and /health; absent with `--metrics-port off`. */
  metrics?: { host: string; port: number };
  help: boolean;
}

/** Parses a domain's command line; an unknown flag or a bad value throws, naming the flag. */
export function parseDomainCommandLine(domain: string, argv: string[]): DomainCommandLine {
  const options = Object.fromEntries(Object.keys(commandLineSchema.shape).map((flag) => [flag, { type: flag === 'help' ? ('boolean' as const) : ('string' as const) }]));
  const { values } = parseArgs({ args: argv, options });
  const parsed = loadConfig(commandLineSchema, values, `${domain} command line`);
  const port = parsed['metrics-port'];
  return {
    ...(parsed.config === undefined ? {} : { config: parsed.config }),
    ...(parsed.brokers === undefined ? {} : { brokers: parsed.brokers }),
    ...(parsed.registry === undefined ? {} : { registry: parsed.registry }),
    ...(port === undefined ? {} : { metrics: { host: parsed['metrics-host'], port } }),
    help: parsed.help,
  };
}

/** `--help`, from the flags' descriptions. */
export function domainHelp(domain: string): string {
  const flags = Object.entries(commandLineSchema.shape).map(([flag, schema]) => `  --${`${flag}${flag === 'help' ? '' : ' <value>'}`.padEnd(24)} ${schema.description ?? ''}`);
  return [
    `The ${domain} domain: runs its data products' jobs until Ctrl-C, prints their counters every 10 s and serves them at /metrics.`,
    '',
    `Usage: tsx domains/${domain}/src/main.ts (--brokers <servers> --registry <url> | --config <file>) [options]`,
    '',
    ...flags,
  ].join('\n');
}

/**
 * A domain's command line, the same for every domain: `tsx domains/<domain>/src/main.ts --brokers
 * 127.0.0.1:9092 --registry http://127.0.0.1:8081` or `--config <domain>.yaml` (the platform's fields
 * and the domain's settings). Runs until Ctrl-C, serves its jobs' counters at /metrics (port 9465 unless
 * `--metrics-port` says otherwise) and prints them every 10 s. A bad flag or config prints what to fix
 * and sets exit code 2.
 */
export async function runDomainMain(domain: DomainDeclaration, argv: string[] = process.argv.slice(2)): Promise<void> {
  try {
    await run(domain, argv);
  } catch (error) {
    if (!(error instanceof ConfigInvalid || error instanceof MetricsPortInUse || isParseArgsError(error))) throw error;
    console.error(`${error.message}\n\n'--help' lists the flags.`);
    process.exitCode = 2;
  }
}

async function run(domain: DomainDeclaration, argv: string[]): Promise<void> {
  const options = parseDomainCommandLine(domain.name, argv);
  if (options.help) {
    console.log(domainHelp(domain.name));
    return;
  }
  const fromFile = options.config ? (parseYaml(readFileSync(options.config, 'utf8')) as Record<string, unknown>) : {};
  const running = await startDomain(domain, {
    ...fromFile,
    ...(options.brokers ? { kafka: { ...(fromFile.kafka as object), brokers: options.brokers.split(',') } } : {}),
    ...(options.registry ? { registryUrl: options.registry } : {}),
  });
  const server = options.metrics
    ? await serveDomainMetrics([running], options.metrics).catch(async (error: unknown) => {
        await running.close();
        throw error;
      })
    : undefined;
  console.error(`${domain.name} running${server ? `; metrics at ${server.url}/metrics, health at ${server.url}/health` : ''}`);
  const timer = setInterval(() => console.log(JSON.stringify(running.stats())), 10_000);
  const stop = async () => {
    clearInterval(timer);
    await running.close();
    await server?.close();
    console.log(JSON.stringify(running.stats()));
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

function isParseArgsError(error: unknown): error is Error {
  return error instanceof TypeError && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');
}
