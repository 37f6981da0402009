import { parseArgs } from 'node:util';
import { parseWith, type ParseResult } from '@fieldmesh/config';
// The site names only: the CLI parses its arguments without loading the pipeline.
import { PLANT_SITE_NAMES } from '@fieldmesh/pipeline/sites';
import { MAX_CLICKHOUSE_REPLICAS, MAX_KAFKA_BROKERS, SERVICE_NAMES, isServiceName } from '@fieldmesh/stack';
import { z } from 'zod';

/** Instances of each domain service `start` runs: each is a set of consumers and a transactional producer per job on this machine. */
export const MAX_DOMAIN_INSTANCES = 3;

export const USAGE = `Usage: npm run stack -- <command> [options]      (or: npx tsx deploy/local/src/main.ts <command>)

Runs Fieldmesh's services on this machine, on 127.0.0.1 with free ports, installing what is missing
(Kafka jars from Maven Central into ~/.cache/fieldmesh, Mosquitto and ClickHouse from Debian).

Commands:
  up                   start Kafka, Mosquitto, ClickHouse and the schema registry in the background
                       and print where each listens (a fresh stack each time; data of the last one is removed).
                       The registry is governed: writes need a token, which the stack makes, a service's
                       and a governance lead's, in <dir>/registry/service.token and lead.token (0600):
                       export FIELDMESH_REGISTRY_TOKEN=$(cat <dir>/registry/service.token)
  down                 stop them (SIGTERM, then SIGKILL after 15 s)
  status               say which services run, their pids and addresses (exit code 1 if any is down)
  logs [service] [-f]  print the last lines of the logs (one service or all); -f keeps following
  start                the main job ('npm start'): up, then the whole pipeline on a simulated plant
                       (simulator → MQTT/OPC UA → gateway → Kafka) with progress, the live SLO monitor,
                       a governed registry for contract reviews (http://127.0.0.1:8091 when free) and
                       the console (http://127.0.0.1:8090 when free), a token per role printed (their
                       hashes kept in .fieldmesh/console/tokens.json; revoked when the run stops, and
                       a killed run's expire within 10 minutes),
                       until Ctrl-C or --duration;
                       then a report accounting for every message (exit code 1 if a message is
                       unaccounted for or a stage stopped producing while its input flowed), then down
  reset-watermarks     drop the persisted event-time watermarks of the windowed jobs (all, or --job),
                       keeping their read positions: their next start rebuilds the windows from the
                       replay and re-emits them. For a watermark a wrong device clock dragged ahead.
                       Needs the stack running and the main job stopped.

Options:
  --dir <path>         the stack folder (default: .fieldmesh/stack in the repository)
  --brokers <n>        with up and start: run a Kafka cluster of n KRaft nodes (1 to ${MAX_KAFKA_BROKERS}; default 1).
                       3 gives topics replication factor 3 with min.insync.replicas 2, as the contracts ask;
                       fewer brokers cap both (a warning says so). The nodes are services kafka, kafka-2, kafka-3…
  --clickhouse-replicas <n>
                       with up and start: run n ClickHouse servers (1 to ${MAX_CLICKHOUSE_REPLICAS}; default 1) as replicas of one
                       shard in the cluster 'fieldmesh', coordinated by a zookeeper service; the services are
                       clickhouse, clickhouse-2… With 2 or more, start's sink writes the cluster (through
                       clickhouse, failing over to clickhouse-2… when it is down) in a database of the run's
                       own, and the report's analyst queries read the Distributed tables <table>_all
  --duration <s>       with start: stop after this many seconds
  --instances <n>      with start: run n instances of each domain service (1 to ${MAX_DOMAIN_INSTANCES}; default 1) in its
                       consumer groups, each job exactly-once under its own transactional id (a partition
                       moving between them takes its windows and alert runs along); the first instance
                       also runs the jobs that cannot be split (energy's rollups). The report shows each
                       instance's records in and out per job
  --sites <n>          with start: run n sites (1 to ${PLANT_SITE_NAMES.length}; default 1: ${PLANT_SITE_NAMES.join(', ')} in this order),
                       each its own simulated plant (asset paths acme/<site>/…), Mosquitto with its own
                       site CA (another site's devices are refused), OPC UA server, gateway gw-<site>-1
                       with its own pseudonymisation key and Kafka principal fieldmesh-gateway-<site>, all
                       into the one Kafka cluster; SLOs, lineage, the report and the console per site
  --job <group>        with reset-watermarks: only this windowed job's consumer group, <domain>.<product>
                       (an unknown group is refused with the list of the windowed jobs found under domains/)
  --lines <n>          with logs: how many lines per service (default 100)
  -f, --follow         with logs: keep printing new lines until Ctrl-C
  -h, --help           this text

Services: ${SERVICE_NAMES.join(', ')} (and kafka-2, kafka-3… with --brokers; zookeeper, clickhouse-2… with --clickhouse-replicas). Logs are in <dir>/logs, pids in <dir>/run and <dir>/state.json.`;

const serviceName = z.string().refine(isServiceName, { error: `must be one of ${SERVICE_NAMES.join(', ')} (or kafka-2, kafka-3… of a cluster)` });
const brokers = z.coerce
  .number({ error: 'must be a number of brokers' })
  .int('must be a whole number of brokers')
  .min(1, 'must be at least 1 broker')
  .max(MAX_KAFKA_BROKERS, `must be at most ${MAX_KAFKA_BROKERS} brokers (each is a JVM on this machine)`);
const clickhouseReplicas = z.coerce
  .number({ error: 'must be a number of replicas' })
  .int('must be a whole number of replicas')
  .min(1, 'must be at least 1 replica')
  .max(MAX_CLICKHOUSE_REPLICAS, `must be at most ${MAX_CLICKHOUSE_REPLICAS} replicas (one shard on this machine)`);
const sites = z.coerce
  .number({ error: 'must be a number of sites' })
  .int('must be a whole number of sites')
  .min(1, 'must be at least 1 site')
  .max(PLANT_SITE_NAMES.length, `must be at most ${PLANT_SITE_NAMES.length} sites (${PLANT_SITE_NAMES.join(', ')})`);
const instances = z.coerce
  .number({ error: 'must be a number of instances' })
  .int('must be a whole number of instances')
  .min(1, 'must be at least 1 instance')
  .max(MAX_DOMAIN_INSTANCES, `must be at most ${MAX_DOMAIN_INSTANCES} instances of each domain service`);
const seconds = z.coerce.number({ error: 'must be a number of seconds' }).positive('must be more than 0 seconds');

const base = { dir: z.string().min(1).optional() };

const cliSchema = z.discriminatedUnion(
  'command',
  [
    z.strictObject({ command: z.literal('help') }),
    z.strictObject({ command: z.literal('up'), ...base, brokers: brokers.optional(), 'clickhouse-replicas': clickhouseReplicas.optional() }),
    z.strictObject({ command: z.literal('down'), ...base }),
    z.strictObject({ command: z.literal('status'), ...base }),
    z.strictObject({
      command: z.literal('logs'),
      ...base,
      service: serviceName.optional(),
      follow: z.boolean().default(false),
      lines: z.coerce.number({ error: 'must be a number of lines' }).int().positive().default(100),
    }),
    z.strictObject({
      command: z.literal('start'),
      ...base,
      duration: seconds.optional(),
      brokers: brokers.optional(),
      'clickhouse-replicas': clickhouseReplicas.optional(),
      sites: sites.optional(),
      instances: instances.optional(),
    }),
    z.strictObject({ command: z.literal('reset-watermarks'), ...base, job: z.string().min(1).optional() }),
  ],
  { error: 'must be one of up, down, status, logs, start, reset-watermarks (see --help)' },
);

export type CliCommand = z.output<typeof cliSchema>;

const OPTIONS = {
  dir: { type: 'string' },
  brokers: { type: 'string' },
  'clickhouse-replicas': { type: 'string' },
  duration: { type: 'string' },
  sites: { type: 'string' },
  instances: { type: 'string' },
  job: { type: 'string' },
  lines: { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

function readArgs(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}

/** Parses the command line into a validated command, or the list of problems naming each bad argument. */
export function parseCli(argv: readonly string[]): ParseResult<CliCommand> {
  let parsed: ReturnType<typeof readArgs>;
  try {
    parsed = readArgs(argv);
  } catch (error) {
    return { ok: false, problems: [{ path: '(arguments)', message: error instanceof Error ? error.message : String(error) }] };
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || command === undefined || command === 'help') return { ok: true, value: { command: 'help' } };
  const extra = command === 'logs' ? rest.slice(1) : rest;
  if (extra.length > 0) return { ok: false, problems: [{ path: '(arguments)', message: `unexpected '${extra.join(' ')}' after '${command}'` }] };

  // Options that do not belong to the command are refused by name rather than ignored.
  const allowed: Record<string, readonly string[]> = {
    up: ['dir', 'brokers', 'clickhouse-replicas'],
    logs: ['dir', 'lines', 'follow'],
    start: ['dir', 'duration', 'brokers', 'clickhouse-replicas', 'sites', 'instances'],
    'reset-watermarks': ['dir', 'job'],
  };
  const misplaced = Object.keys(parsed.values).filter((name) => !(allowed[command] ?? ['dir']).includes(name));
  if (misplaced.length > 0) {
    return { ok: false, problems: misplaced.map((name) => ({ path: name, message: `is not an option of '${command}'` })) };
  }
  return parseWith(cliSchema, { command, ...parsed.values, ...(command === 'logs' && rest[0] ? { service: rest[0] } : {}) });
}
