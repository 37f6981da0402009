import { createReadStream, writeFileSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parseCsvLine } from '@fieldmesh/ml';
import { stringify } from 'yaml';
import { ImportInputInvalid } from './errors';
import { parseZonedTimestamp } from './zoned-time';

export interface ImportOptions {
  files: readonly string[];
  /** The recording CSV to write; its mapping goes to `<out without .csv>.mapping.yaml`. */
  out: string;
  format: 'wide' | 'long';
  assetClass: string;
  /** IANA zone of zoneless timestamps; without it they are refused. */
  timeZone?: string;
  delimiter: string;
  timeColumn: string;
  labelColumn?: string;
  /** Wide: one asset for every file. Default: the asset column, else `<folder>-<file name>` of each file. */
  asset?: string;
  assetColumn?: string;
  /** Long: the columns naming the signal and holding the value. */
  signalColumn: string;
  valueColumn: string;
  /** Wide: the signal columns to take (default: every column but time, asset and label). */
  columns?: readonly string[];
  /** Called every `progressLines` lines of an input file and at its end. */
  onProgress?: (file: string, lines: number, done: boolean) => void;
  progressLines?: number;
}

export interface ImportSummary {
  csv: string;
  mapping: string;
  rows: number;
  readings: number;
  assets: string[];
  signals: string[];
  /** Timestamps at which at least one asset is labelled with a failure. */
  labelledPoints: number;
  skippedCells: number;
}

const NORMAL_LABELS = new Set(['', '0', '0.0', 'false', 'normal']);
const ANOMALY_LABELS = new Set(['1', '1.0', 'true']);

/** `Volume Flow RateRMS` → `volume_flow_raterms`: the feature names models use are `<signal>.<stat>` in snake case. */
export function signalName(column: string): string {
  return column
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** A label cell as a failure mode, or undefined in normal operation. */
function modeOf(cell: string): string | undefined {
  const text = cell.trim().toLowerCase();
  if (NORMAL_LABELS.has(text)) return undefined;
  if (ANOMALY_LABELS.has(text)) return 'anomaly';
  return signalName(text) || 'anomaly';
}

/** A file's own asset name: `data/valve1/3.csv` → `valve1-3`. */
function assetOfFile(file: string): string {
  const folder = basename(dirname(file));
  const name = basename(file, extname(file));
  return [folder === '.' ? '' : folder, name]
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9_./-]+/g, '_');
}

interface Point {
  values: Map<number, number>;
  labels: Set<string>;
}

/**
 * Reads labelled time series in long (time, asset, signal, value) or wide (time, one column per signal)
 * CSV, from any number of files in any order, and writes them as one recording the features export, the
 * training script and the backtest read: a wide CSV sorted by time with UTC timestamps, one column per
 * asset and signal and a `label` column of `<asset>:<mode>` entries, and its mapping (with `label.column`).
 * Everything is held in memory until the sorted recording is written.
 */
export async function importRecording(options: ImportOptions): Promise<ImportSummary> {
  const columnIndex = new Map<string, number>();
  const columns: Array<{ asset: string; signal: string }> = [];
  const points = new Map<number, Point>();
  let readings = 0;
  let skippedCells = 0;
  const columnOf = (asset: string, signal: string): number => {
    const key = `${asset}.${signal}`;
    let index = columnIndex.get(key);
    if (index === undefined) {
      index = columns.length;
      columnIndex.set(key, index);
      columns.push({ asset, signal });
    }
    return index;
  };
  const pointAt = (timeMs: number): Point => {
    let point = points.get(timeMs);
    if (!point) {
      point = { values: new Map(), labels: new Set() };
      points.set(timeMs, point);
    }
    return point;
  };

  for (const file of options.files) {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    let header: string[] | undefined;
    let lineNumber = 0;
    let cellIndex: (name: string) => number = () => -1;
    let signalColumns: Array<{ index: number; signal: string }> = [];
    for await (const line of lines) {
      lineNumber += 1;
      if (options.progressLines && lineNumber % options.progressLines === 0) options.onProgress?.(file, lineNumber, false);
      if (line.trim() === '') continue;
      const cells = parseCsvLine(line, options.delimiter);
      if (!header) {
        header = cells.map((cell) => cell.trim());
        const positions = new Map(header.map((name, i) => [name, i]));
        cellIndex = (name) => positions.get(name) ?? -1;
        const required = [options.timeColumn, ...(options.labelColumn ? [options.labelColumn] : [])];
        if (options.format === 'long') required.push(options.assetColumn ?? 'asset', options.signalColumn, options.valueColumn);
        else if (options.assetColumn) required.push(options.assetColumn);
        if (options.columns) required.push(...options.columns);
        const missing = required.filter((name) => !positions.has(name));
        if (missing.length > 0) {
          throw new ImportInputInvalid(
            file,
            1,
            `the header (${header.join(options.delimiter)}) has no column ${missing.map((m) => `'${m}'`).join(', ')}`,
            `Name the columns with --time-column, --label-column, --asset-column${options.format === 'long' ? ', --signal-column, --value-column' : ', --columns'} or set --delimiter (now '${options.delimiter}').`,
          );
        }
        const reserved = new Set([options.timeColumn, options.labelColumn, options.assetColumn]);
        signalColumns = (options.columns ?? header.filter((name) => !reserved.has(name))).map((name) => ({ index: positions.get(name)!, signal: signalName(name) }));
        continue;
      }
      const stamp = cells[cellIndex(options.timeColumn)] ?? '';
      const timeMs = parseZonedTimestamp(stamp, options.timeZone);
      if (timeMs === undefined) {
        throw new ImportInputInvalid(
          file,
          lineNumber,
          options.timeZone === undefined && stamp.trim() !== '' && /\d/.test(stamp) ? `timestamp '${stamp}' has no time zone` : `'${stamp}' is not a timestamp`,
          'Give the zone the data was recorded in with --timezone <IANA zone, e.g. Europe/Moscow or UTC>; timestamps are ISO 8601 (with or without a zone) or epoch milliseconds.',
        );
      }
      const asset = options.format === 'long' || options.assetColumn ? (cells[cellIndex(options.assetColumn ?? 'asset')] ?? '').trim() : (options.asset ?? assetOfFile(file));
      if (asset === '') throw new ImportInputInvalid(file, lineNumber, 'the asset cell is empty', 'Every row needs its asset.');
      const point = pointAt(timeMs);
      const mode = options.labelColumn ? modeOf(cells[cellIndex(options.labelColumn)] ?? '') : undefined;
      if (mode) point.labels.add(`${asset}:${mode}`);
      const found = options.format === 'long' ? [{ index: cellIndex(options.valueColumn), signal: signalName(cells[cellIndex(options.signalColumn)] ?? '') }] : signalColumns;
      for (const { index, signal } of found) {
        const cell = (cells[index] ?? '').trim();
        const value = Number(cell);
        if (cell === '' || signal === '' || !Number.isFinite(value)) {
          skippedCells += 1;
          continue;
        }
        point.values.set(columnOf(asset, signal), value);
        readings += 1;
      }
    }
    options.onProgress?.(file, lineNumber, true);
  }

  const order = columns.map((_, i) => i).sort((a, b) => `${columns[a]!.asset}.${columns[a]!.signal}`.localeCompare(`${columns[b]!.asset}.${columns[b]!.signal}`));
  const names = order.map((i) => `${columns[i]!.asset}.${columns[i]!.signal}`);
  const lines = [['timestamp', ...names, 'label'].join(',')];
  let labelledPoints = 0;
  for (const timeMs of [...points.keys()].sort((a, b) => a - b)) {
    const point = points.get(timeMs)!;
    if (point.labels.size > 0) labelledPoints += 1;
    lines.push([new Date(timeMs).toISOString(), ...order.map((i) => point.values.get(i) ?? ''), [...point.labels].sort().join(';')].join(','));
  }
  writeFileSync(options.out, `${lines.join('\n')}\n`);
  const mapping = `${options.out.replace(/\.csv$/, '')}.mapping.yaml`;
  writeFileSync(
    mapping,
    `# Written by fieldmesh data import from ${options.files.length} file(s); timestamps are UTC.\n${stringify({
      timestamp: { column: 'timestamp' },
      label: { column: 'label' },
      columns: order.map((i, n) => ({ column: names[n], asset: columns[i]!.asset, signal: columns[i]!.signal, unit: '', assetClass: options.assetClass })),
    })}`,
  );
  return {
    csv: options.out,
    mapping,
    rows: points.size,
    readings,
    assets: [...new Set(columns.map((column) => column.asset))].sort(),
    signals: [...new Set(columns.map((column) => column.signal))].sort(),
    labelledPoints,
    skippedCells,
  };
}
