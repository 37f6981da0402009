import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigInvalid, loadConfig } from '@fieldmesh/config';
import { parse } from 'yaml';
import { z } from 'zod';
import { BAD_INPUT_KINDS, type BadInputKind } from './bad-input';
import { failureSchedule, parseSimulatorConfig, type SimulatorConfigInput } from './config';
import { runLoad } from './load.generator';
import { recordPlant } from './plant.recorder';
import { startSimulator, type SimulatorHandle } from './simulator';

export const HELP = `fieldmesh plant simulator

Usage: npx tsx deploy/simulator/src/main.ts <command> [options]

Commands
  run         simulate the plant and publish it (MQTT JSON, Sparkplug B, OPC UA)
  record      simulate as fast as possible and write a labelled CSV, its replay mapping and labels
  replay      publish a recorded CSV through a mapping, in real time or faster
  load        drive a fixed rate of points/s through MQTT for benchmarks and print the achieved rate
  bad-input   publish one malformed payload (${BAD_INPUT_KINDS.join(', ')})

Options
  --config <file.yaml>     simulator config (every field of SimulatorConfig); flags override it
  --mqtt-url <url>         MQTT broker, e.g. mqtt://127.0.0.1:1883
  --json                   publish MQTT JSON on the ISA-95 tree  (run, replay, load, bad-input)
  --sparkplug              publish Sparkplug B                   (run, replay, load, bad-input)
  --opcua-port <port>      run the OPC UA server on 127.0.0.1:<port> (0: a free port)
  --rate <n>               run/record: samples per second of each signal (plant time)
                           load: points per second in total
  --duration <s>           run/record: seconds of plant time; load: wall-clock seconds
  --speed <x>              plant seconds per wall second (run, replay); e.g. --speed 10
  --max-lead <s>           run, replay: once plant time is this far ahead of the wall clock, run at
                           real time (keep readings within a consumer's clock skew, e.g. 270 for PT5M)
  --seed <n>               random seed; the same seed gives the same plant
  --sites <a,b>            site names (default berlin)
  --lines-per-site <n>     lines per site (default 2)
  --failures <file.yaml>   failure schedule: [{ asset, mode, signal?, at, duration }]
  --state-dir <dir>        OPC UA PKI and default labels (default .fieldmesh/simulator)
  --labels <file.jsonl>    where ground-truth labels go (run; default <state-dir>/labels.jsonl)
  --labels-csv <file.csv>  also write labels as CSV
  --out <file.csv>         record: output CSV (mapping and labels are written beside it)
  --csv <file>, --mapping <file.yaml>, --historical   replay input; mark readings historical
  --batch-size <n>         load with --sparkplug: metrics per DDATA (default 100)
  --wall-clock             load: stamp readings with the send time (for latency measurements)
  --kind <kind>, --asset <path>, --bytes <n>          bad-input: what, where, oversized size
  -h, --help               this help
`;

const OPTIONS = {
  config: { type: 'string' },
  'mqtt-url': { type: 'string' },
  json: { type: 'boolean' },
  sparkplug: { type: 'boolean' },
  'opcua-port': { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  speed: { type: 'string' },
  'max-lead': { type: 'string' },
  seed: { type: 'string' },
  sites: { type: 'string' },
  'lines-per-site': { type: 'string' },
  failures: { type: 'string' },
  'state-dir': { type: 'string' },
  labels: { type: 'string' },
  'labels-csv': { type: 'string' },
  out: { type: 'string' },
  csv: { type: 'string' },
  mapping: { type: 'string' },
  historical: { type: 'boolean' },
  'batch-size': { type: 'string' },
  'wall-clock': { type: 'boolean' },
  kind: { type: 'string' },
  asset: { type: 'string' },
  bytes: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** A number flag; text that is not a number reaches zod as text so the error names the field. */
function numeric(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

function readYaml(file: string): unknown {
  return parse(readFileSync(file, 'utf8'));
}

/** The config file (if any) with the flags laid over it; validation happens once, on the result. */
export function configFromFlags(command: string, flags: Flags): SimulatorConfigInput {
  const base = (flags.config ? readYaml(flags.config) : {}) as Record<string, unknown>;
  const input: Record<string, unknown> = { ...base };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) input[key] = value;
  };
  if (flags['mqtt-url']) input.mqtt = { ...(base.mqtt as object | undefined), url: flags['mqtt-url'] };
  set('json', flags.json);
  set('sparkplug', flags.sparkplug);
  if (flags['opcua-port'] !== undefined) input.opcua = { ...(base.opcua as object | undefined), port: numeric(flags['opcua-port']) };
  if (command !== 'load') set('rate', numeric(flags.rate));
  if (command !== 'load') set('durationSeconds', numeric(flags.duration));
  set('speed', numeric(flags.speed));
  set('maxLeadSeconds', numeric(flags['max-lead']));
  set('seed', numeric(flags.seed));
  set('stateDir', flags['state-dir']);
  if (flags.sites || flags['lines-per-site']) {
    input.plant = {
      ...(base.plant as object | undefined),
      ...(flags.sites ? { sites: flags.sites.split(',') } : {}),
      ...(flags['lines-per-site'] ? { linesPerSite: numeric(flags['lines-per-site']) } : {}),
    };
  }
  if (flags.failures) {
    const document = readYaml(flags.failures);
    const list = Array.isArray(document) ? document : (document as { failures?: unknown } | null)?.failures;
    input.failures = loadConfig(failureSchedule, list, flags.failures);
  }
  if (flags.labels || flags['labels-csv']) input.labels = { ...(flags.labels ? { jsonl: flags.labels } : {}), ...(flags['labels-csv'] ? { csv: flags['labels-csv'] } : {}) };
  if (command === 'replay' && (flags.csv || flags.mapping)) input.replay = { csv: flags.csv, mapping: flags.mapping, historical: flags.historical ?? false };
  return input as SimulatorConfigInput;
}

function describeStats(simulator: SimulatorHandle): string {
  const stats = simulator.stats();
  const plantTime = stats.plantTimeMs ? new Date(stats.plantTimeMs).toISOString() : '-';
  const published = Object.entries(stats.published)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${name}=${count}`)
    .join(' ');
  const errors = stats.publishErrors > 0 ? ` errors=${stats.publishErrors} (${stats.lastError})` : '';
  return `plant time ${plantTime}  readings ${stats.readings}  published ${published || '-'}  labels ${simulator.labels().length}${errors}`;
}

async function serve(config: SimulatorConfigInput, log: (line: string) => void): Promise<void> {
  const simulator = await startSimulator(config);
  log(`simulating ${simulator.plant.assets.length} assets on ${simulator.plant.lines.length} lines`);
  if (simulator.opcuaEndpoint) log(`OPC UA ${simulator.opcuaEndpoint} (certificate ${simulator.opcuaCertificateFile})`);
  const progress = setInterval(() => log(describeStats(simulator)), 5000);
  const stop = () => void simulator.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await Promise.race([simulator.done, new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve))]);
  clearInterval(progress);
  await simulator.stop();
  log(`stopped: ${describeStats(simulator)}`);
}

const loadFlags = z.object({
  rate: z.number().positive().describe('points per second'),
  duration: z.number().positive(),
  'batch-size': z.number().int().positive().default(100),
});

/** Runs one CLI invocation; returns the exit code. */
export async function runCli(argv: string[], log: (line: string) => void = console.log): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    log(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  const [command] = parsed.positionals;
  const flags = parsed.values;
  if (flags.help || !command) {
    log(HELP);
    return flags.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'run':
      case 'replay':
        await serve(configFromFlags(command, flags), log);
        return 0;
      case 'record': {
        if (!flags.out) throw new Error('record needs --out <file.csv>');
        const config = parseSimulatorConfig(configFromFlags(command, flags), 'record options');
        const files = recordPlant(config, flags.out, (rows) => log(`recorded ${rows} rows`));
        log(`wrote ${files.csv} (${files.rows} rows), ${files.mapping}, ${files.labels} (${files.episodes} episodes)`);
        return 0;
      }
      case 'load': {
        const config = parseSimulatorConfig(configFromFlags(command, flags), 'load options');
        const load = loadConfig(loadFlags, { rate: numeric(flags.rate), duration: numeric(flags.duration), 'batch-size': numeric(flags['batch-size']) }, 'load options');
        const protocol = flags.sparkplug ? 'sparkplug' : 'json';
        log(
          `load: ${load.rate} points/s via ${protocol}${protocol === 'sparkplug' ? ` (${load['batch-size']} metrics per DDATA)` : ' (one reading per message)'} for ${load.duration} s`,
        );
        const result = await runLoad(
          config,
          { protocol, pointsPerSecond: load.rate, durationSeconds: load.duration, batchSize: load['batch-size'], wallClockTimestamps: flags['wall-clock'] ?? false },
          (points, seconds) => log(`  ${points} points acknowledged in ${seconds.toFixed(1)} s (${Math.round(points / seconds)} points/s)`),
        );
        log(`achieved ${Math.round(result.achievedPointsPerSecond)} points/s (${result.points} points in ${result.seconds.toFixed(2)} s; target ${load.rate})`);
        return 0;
      }
      case 'bad-input': {
        const kind = flags.kind as BadInputKind;
        if (!BAD_INPUT_KINDS.includes(kind)) throw new Error(`--kind must be one of ${BAD_INPUT_KINDS.join(', ')}`);
        const input = configFromFlags(command, flags);
        const simulator = await startSimulator({ ...input, json: kind !== 'unknown-alias', sparkplug: kind === 'unknown-alias', speed: 1 });
        try {
          await simulator.injectBadInput({ kind, ...(flags.asset ? { asset: flags.asset } : {}), ...(flags.bytes ? { oversizedBytes: Number(flags.bytes) } : {}) });
        } finally {
          await simulator.stop();
        }
        log(`published one ${kind} message`);
        return 0;
      }
      default:
        log(`unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    log(error instanceof ConfigInvalid ? error.message : `error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
