import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { formatProblems, parseWith } from '@fieldmesh/config';
import { desiredStatePayloadSchema } from '@fieldmesh/connect';
import { quoteIdentifier } from '@fieldmesh/warehouse';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { approveCalibration, calibrationProposalSchema, currentCalibration, proposeCalibration, type CalibrationProposal } from '../calibration/calibration.proposal';
import { assessDrift, pairByNearestTime, type TimedValue } from '../calibration/drift.fit';
import { UsageError, type CliCommand, type CliIo, type ParsedArgs } from '../cli.command';
import { CalibrationProposalRefused } from '../errors';
import { WAREHOUSE_HELP, WAREHOUSE_OPTIONS, warehouseOf, type Warehouse } from '../warehouse.connection';

const assetPath = z.string().regex(/^[^/]+(\/[^/]+){2,5}$/, 'must be an ISA-95 asset path like acme/berlin/press-shop/line-1/compressor-1');
const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be a signal name like bearing_temperature');
const number = (text: string) => z.coerce.number({ error: `must be a number, e.g. ${text}` }).finite();

const proposeOptionsSchema = z.strictObject({
  gateway: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a gateway id'),
  asset: assetPath,
  signal: name,
  reference: z
    .string()
    .regex(/^[^/]+(\/[^/]+){2,5}\/[A-Za-z0-9_.-]+$/, 'must be <asset path>/<signal> of the reference sensor or redundant signal')
    .transform((text) => ({ assetPath: text.slice(0, text.lastIndexOf('/')), signal: text.slice(text.lastIndexOf('/') + 1) })),
  from: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time, e.g. 2026-12-01T00:00:00Z' }),
  to: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time, e.g. 2026-12-02T00:00:00Z' }),
  base: z.string().min(1, 'must be the desired-state file the gateway runs now'),
  tolerance: number('0.5').positive(),
  'min-pairs': number('30').int().min(2).default(30),
  'min-r-squared': number('0.95').min(0).max(1).default(0.95),
  'pair-within': number('1').nonnegative().default(1),
  by: z.string().min(1, 'must name the person proposing'),
  table: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a table name')
    .default('plant_telemetry_clean_v1'),
  out: z.string().min(1).optional(),
});

function optionsOf<T extends z.ZodType>(schema: T, args: ParsedArgs, known: readonly string[]): z.output<T> {
  const given = Object.fromEntries(Object.entries(args.values).filter(([key, value]) => known.includes(key) && value !== undefined));
  const parsed = schema.safeParse(given);
  if (!parsed.success)
    throw new UsageError(
      `Invalid options:\n${parsed.error.issues.map((issue) => `  - --${issue.path.join('.')}: ${given[String(issue.path[0])] === undefined ? 'is required' : issue.message}`).join('\n')}`,
    );
  return parsed.data;
}

const sqlString = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

interface SeriesRow {
  series: 'signal' | 'reference';
  calibrationVersion: string;
  t: string | number;
  value: number;
  unit: string;
  sourceUnit: string;
}

/**
 * Both series' readings over the range from the clean table (on 18.16 with whole seconds, on current servers
 * milliseconds). Of the signal, only readings the calibration in force touched (their calibration.version
 * attribute; none for an unversioned rule): a range across an earlier rollout mixes calibrations.
 */
async function readSeries(
  warehouse: Warehouse,
  table: string,
  options: z.output<typeof proposeOptionsSchema>,
  currentVersion: number,
): Promise<{ signal: TimedValue[]; reference: TimedValue[]; otherVersions: number }> {
  const time = warehouse.capabilities.dateTime64 ? 'toUnixTimestamp64Milli(readingTime)' : 'toUnixTimestamp(readingTime) * 1000';
  // Servers without Map keep the attributes as parallel key and value arrays; index 0 (absent) gives ''.
  const version = warehouse.capabilities.map ? "attributes['calibration.version']" : "`attributes.value`[indexOf(`attributes.key`, 'calibration.version')]";
  const isSignal = `gatewayId = ${sqlString(options.gateway)} AND assetPath = ${sqlString(options.asset)} AND signal = ${sqlString(options.signal)}`;
  const isReference = `assetPath = ${sqlString(options.reference.assetPath)} AND signal = ${sqlString(options.reference.signal)}`;
  const sql = [
    `SELECT if(${isSignal}, 'signal', 'reference') AS series, ${version} AS calibrationVersion, ${time} AS t, value, unit, sourceUnit`,
    `FROM ${quoteIdentifier(warehouse.database)}.${quoteIdentifier(table)}`,
    `WHERE ((${isSignal}) OR (${isReference}))`,
    `  AND toUnixTimestamp(readingTime) >= ${Math.floor(Date.parse(options.from) / 1000)} AND toUnixTimestamp(readingTime) < ${Math.ceil(Date.parse(options.to) / 1000)}`,
    // value = value drops NULL and NaN (isFinite is newer than 18.16).
    '  AND value = value',
    'SETTINGS readonly = 1',
  ].join('\n');
  const result = await warehouse.client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } });
  const rows = await result.json<SeriesRow>();
  // The gateway calibrates in the source unit; a converted signal would need the conversion composed in too.
  const converted = rows.find((row) => row.series === 'signal' && row.sourceUnit !== '' && row.sourceUnit !== row.unit);
  if (converted)
    throw new UsageError(
      `${options.signal} of ${options.asset} arrives in ${converted.sourceUnit} and is converted to ${converted.unit}: a proposal fits clean values, so only signals the gateway reads in their canonical unit can be recalibrated this way`,
    );
  const stamp = currentVersion === 0 ? '' : String(currentVersion);
  const current = rows.filter((row) => row.series === 'reference' || row.calibrationVersion === stamp);
  const of = (series: SeriesRow['series']) => current.filter((row) => row.series === series).map((row) => ({ timeMs: Number(row.t), value: row.value }));
  return { signal: of('signal'), reference: of('reference'), otherVersions: rows.length - current.length };
}

async function readDesiredState(file: string) {
  const config = parseWith(desiredStatePayloadSchema.shape.config.unwrap(), parseYaml(await readFile(file, 'utf8')));
  if (!config.ok) throw new UsageError(`${file} is not a desired state:\n${formatProblems(config.problems)}`);
  return config.value;
}

const fixed = (n: number) => Number(n.toPrecision(6)).toString();

export const calibrationProposeCommand: CliCommand = {
  group: 'calibration',
  verb: 'propose',
  summary: 'compare a signal with a reference sensor over a time range and, if it drifted, propose a new scale and offset with the evidence',
  help: `Usage: fieldmesh calibration propose --gateway <id> --asset <path> --signal <s> --reference <asset/signal>
         --from <time> --to <time> --base <desired-state.yaml> --tolerance <x> --by <person> [options]

Reads the signal (from the gateway) and its reference (a reference sensor or a redundant signal) from the clean
table over [from, to), pairs each reading with the reference reading nearest in time, and fits
reference ≈ scale * value + offset by least squares. Drift is a residual RMS between the two above --tolerance
(in the signal's unit) with at least --min-pairs pairs and a fit of R² at least --min-r-squared. On drift it writes
a proposal file: the evidence (pairs, R², residual RMS before and after, the value range and time covered), the
calibration in force (from --base) and the new one, of the next version, composed with it, and the gateway's
desired state with it. Another person approves it with 'fieldmesh calibration approve'.
Exit code 0 when there is drift (proposal written) or none; 1 when the evidence does not decide.

Options:
  --gateway <id>            the gateway reading the signal
  --asset <path>            its asset, e.g. acme/berlin/press-shop/line-1/compressor-1
  --signal <name>           the signal to recalibrate, e.g. bearing_temperature
  --reference <asset/signal>  the trusted series, e.g. acme/berlin/press-shop/line-1/compressor-1/bearing_temperature_ref
  --from, --to <time>       the range, ISO-8601 (e.g. 2026-12-01T00:00:00Z)
  --base <file>             the desired state the gateway runs now (its connectors and calibration)
  --tolerance <x>           largest residual RMS that is not drift, in the signal's unit
  --min-pairs <n>           fewer pairs decide nothing (default 30)
  --min-r-squared <r>       a looser fit is not a calibration error (default 0.95)
  --pair-within <s>         pair readings at most this many seconds apart (default 1)
  --by <person>             who proposes it
  --table <name>            the clean table (default plant_telemetry_clean_v1)
  --out <file>              the proposal file (default calibration-<gateway>-<signal>-v<version>.yaml)
  -h, --help                this text

${WAREHOUSE_HELP}`,
  options: {
    ...WAREHOUSE_OPTIONS,
    ...Object.fromEntries(Object.keys(proposeOptionsSchema.shape).map((key) => [key, { type: 'string' }])),
  },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const options = optionsOf(proposeOptionsSchema, args, Object.keys(proposeOptionsSchema.shape));
    if (Date.parse(options.from) >= Date.parse(options.to)) throw new UsageError(`--from ${options.from} must be before --to ${options.to}`);
    const base = await readDesiredState(resolve(io.cwd, options.base));
    const warehouse = await warehouseOf(args, io);
    if (!warehouse) throw new UsageError('--clickhouse (or FIELDMESH_CLICKHOUSE_URL) is required: the readings come from the clean table');
    let series: Awaited<ReturnType<typeof readSeries>>;
    try {
      series = await readSeries(warehouse, options.table, options, currentCalibration(base, options.asset, options.signal).version);
    } finally {
      await warehouse.client.close();
    }
    const thresholds = {
      tolerance: options.tolerance,
      minPairs: options['min-pairs'],
      minRSquared: options['min-r-squared'],
      pairWithinMs: Math.round(options['pair-within'] * 1000),
    };
    const pairs = pairByNearestTime(series.signal, series.reference, thresholds.pairWithinMs);
    const assessment = assessDrift(pairs, thresholds);
    if (series.otherVersions > 0) io.err(`left out ${series.otherVersions} readings of ${options.signal} another calibration version than the one in --base touched`);
    io.err(`${series.signal.length} readings of ${options.signal}, ${series.reference.length} of the reference, ${pairs.length} paired`);
    for (const warning of assessment.warnings) io.err(`warning: ${warning}`);
    const evidence = assessment.evidence;
    if (evidence)
      io.out(
        `${assessment.verdict}: residual RMS ${fixed(evidence.residualRmsBefore)} now, ${fixed(evidence.residualRmsAfter)} after; reference ≈ ${fixed(evidence.fit.scale)} * value + ${fixed(evidence.fit.offset)} (R² ${fixed(evidence.fit.rSquared)}, ${evidence.pairs} pairs)`,
      );
    else io.out(assessment.verdict);
    if (assessment.verdict === 'within-tolerance') return 0;
    if (assessment.verdict !== 'drift') return 1;
    const proposal = proposeCalibration({
      gatewayId: options.gateway,
      assetPath: options.asset,
      signal: options.signal,
      reference: options.reference,
      window: { from: new Date(options.from).toISOString(), to: new Date(options.to).toISOString() },
      thresholds,
      assessment,
      base,
      proposedBy: options.by,
      now: new Date(),
    });
    const out = resolve(io.cwd, options.out ?? `calibration-${options.gateway}-${options.signal}-v${proposal.proposed.version}.yaml`);
    await writeFile(out, stringifyYaml(proposal), { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') throw new UsageError(`${out} exists already: a proposal is not overwritten; pass --out <file>`);
      throw error;
    });
    io.out(
      `proposed v${proposal.proposed.version}: scale ${fixed(proposal.proposed.scale)}, offset ${fixed(proposal.proposed.offset)} (was v${proposal.current.version}: ${fixed(proposal.current.scale)}, ${fixed(proposal.current.offset)})`,
    );
    io.out(`wrote ${out}; another person approves it: fieldmesh calibration approve ${out} --by <person>`);
    return 0;
  },
};

async function readProposal(file: string): Promise<CalibrationProposal> {
  const parsed = parseWith(calibrationProposalSchema, parseYaml(await readFile(file, 'utf8')));
  if (!parsed.ok) throw new UsageError(`${file} is not a calibration proposal:\n${formatProblems(parsed.problems)}`);
  return parsed.value;
}

export const calibrationApproveCommand: CliCommand = {
  group: 'calibration',
  verb: 'approve',
  summary: 'approve a calibration proposal (not its proposer) and write the desired state that rolls it out',
  help: `Usage: fieldmesh calibration approve <proposal.yaml> --by <person> [--out <desired-state.yaml>]

Records the approval (who, when) in the proposal, refusing one already approved or approved by the person who
proposed it, and writes the gateway's desired state with the new calibration next to it (or to --out). Prints
the 'fieldmesh fleet rollout' command that applies it; the gateway stamps the new version on every reading it
calibrates (attribute calibration.version).

Options:
  --by <person>    who approves it
  --out <file>     the desired-state file (default <proposal>.desired-state.yaml)
  -h, --help       this text`,
  options: { by: { type: 'string' }, out: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(args, io: CliIo) {
    const file = resolve(io.cwd, args.positionals[0]!);
    if (typeof args.values.by !== 'string' || args.values.by.trim() === '') throw new UsageError('--by <person> is required: an approval names who approved');
    const proposal = await readProposal(file);
    const approved = approveCalibration(proposal, args.values.by.trim(), new Date());
    if ('refused' in approved) throw new CalibrationProposalRefused(file, approved.refused);
    const out = typeof args.values.out === 'string' ? resolve(io.cwd, args.values.out) : join(dirname(file), `${basename(file).replace(/\.ya?ml$/, '')}.desired-state.yaml`);
    await writeFile(out, stringifyYaml(approved.desiredState));
    await writeFile(file, stringifyYaml(approved));
    io.out(`approved v${approved.proposed.version} of ${approved.signal} on ${approved.assetPath} by ${approved.approval!.by}; desired state in ${out}`);
    io.out(`roll it out: fieldmesh fleet rollout ${out} --canary ${approved.gatewayId}`);
    return 0;
  },
};
