import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseWith } from '@fieldmesh/config';
import { parseCsvLine } from '@fieldmesh/ml';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { NumericReading } from '../features/asset-window';
import { RecordingInvalid } from '../errors';

/** The part of the simulator's replay mapping the backtest needs: which asset and signal each column is. */
const recordingMapping = z.object({
  timestamp: z.object({ column: z.string().min(1).default('timestamp') }).prefault({}),
  label: z.object({ column: z.string().min(1) }).optional(),
  columns: z
    .array(z.object({ column: z.string().min(1), asset: z.string().min(1), signal: z.string().min(1), unit: z.string().default(''), assetClass: z.string().optional() }))
    .min(1),
});
export type RecordingMapping = z.output<typeof recordingMapping>;

/** A failure episode as the simulator writes it to `<recording>.labels.jsonl`. */
const labelRecord = z.object({ id: z.string(), assetPath: z.string(), mode: z.string(), signal: z.string().optional(), startMs: z.number(), endMs: z.number() });
export type LabelledEpisode = z.output<typeof labelRecord>;

export interface RecordingFiles {
  csv: string;
  mapping: string;
  labels: string;
}

/** `plant.csv` → `plant.mapping.yaml` and `plant.labels.jsonl` beside it, as `simulator record` writes them. */
export function recordingFiles(csv: string, overrides: Partial<RecordingFiles> = {}): RecordingFiles {
  const base = csv.replace(/\.csv$/, '');
  return { csv, mapping: overrides.mapping ?? `${base}.mapping.yaml`, labels: overrides.labels ?? `${base}.labels.jsonl` };
}

export function loadMapping(file: string): RecordingMapping {
  if (!existsSync(file))
    throw new RecordingInvalid(file, 'the mapping file does not exist', 'record with `simulator record --out <file.csv>`, which writes it beside the CSV, or pass --mapping');
  const parsed = parseWith(recordingMapping, parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.ok) throw new RecordingInvalid(file, parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; '), 'fix the mapping');
  return parsed.value;
}

/** Labels are optional for feature export (normal operation has none); a missing file means no episodes. */
export function loadLabels(file: string): LabelledEpisode[] {
  if (!existsSync(file)) return [];
  return readLabelsFile(file);
}

/**
 * The failure episodes of a recording: its labels file when there is one (the simulator writes it), else
 * the mapping's `label.column` (what `fieldmesh data import` writes), else none.
 */
export async function recordingEpisodes(files: RecordingFiles, mapping: RecordingMapping): Promise<LabelledEpisode[]> {
  if (existsSync(files.labels)) return readLabelsFile(files.labels);
  return mapping.label ? episodesFromLabelColumn(files.csv, mapping) : [];
}

function readLabelsFile(file: string): LabelledEpisode[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = labelRecord.safeParse(JSON.parse(line));
      if (!parsed.success) throw new RecordingInvalid(file, `line ${index + 1} is not a label record: ${parsed.error.message}`, 'use the labels the simulator wrote');
      return parsed.data;
    });
}

/** Epoch milliseconds, or ISO 8601 with a zone (Z or ±hh:mm); a zoneless time is refused, never read as local time. */
function parseTimestamp(csv: string, stamp: string): number {
  if (/^\d+$/.test(stamp)) return Number(stamp);
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(stamp)) {
    throw new RecordingInvalid(csv, `timestamp '${stamp}' has no time zone`, 'import the data with `fieldmesh data import --timezone <IANA zone>`, which writes UTC');
  }
  const timeMs = Date.parse(stamp);
  if (!Number.isFinite(timeMs)) throw new RecordingInvalid(csv, `timestamp '${stamp}' is neither ISO 8601 nor epoch milliseconds`, 'fix the timestamp column');
  return timeMs;
}

/** The cells of a CSV after its header, with the index of each named column (RecordingInvalid when one is missing). */
async function* csvRows(csv: string, required: readonly string[]): AsyncGenerator<{ cells: string[]; index: Map<string, number> }> {
  if (!existsSync(csv)) throw new RecordingInvalid(csv, 'the recording does not exist', 'record one with `npx tsx deploy/simulator/src/main.ts record --out <file.csv>`');
  const lines = createInterface({ input: createReadStream(csv), crlfDelay: Number.POSITIVE_INFINITY });
  let index: Map<string, number> | undefined;
  for await (const line of lines) {
    if (line === '') continue;
    const cells = parseCsvLine(line);
    if (index) {
      yield { cells, index };
      continue;
    }
    index = new Map(cells.map((name, i) => [name, i]));
    const missing = required.filter((name) => !index!.has(name));
    if (missing.length > 0)
      throw new RecordingInvalid(csv, `the header has no column ${missing.map((name) => `'${name}'`).join(', ')} named in the mapping`, 'check the mapping against the CSV header');
  }
}

/**
 * Episodes from a label column: each cell lists the active labels, ';'-separated, as `<asset>:<mode>`
 * (the simulator's and the importer's form) or as a bare mode or 1 for every asset with a reading in
 * that row (0 or empty: normal). An episode runs from the first row with its label to the first row of
 * its asset without it (or one sampling step past its last row at the end of the recording).
 */
async function episodesFromLabelColumn(csv: string, mapping: RecordingMapping): Promise<LabelledEpisode[]> {
  const labelColumn = mapping.label!.column;
  const episodes: LabelledEpisode[] = [];
  const open = new Map<string, LabelledEpisode>();
  const lastSeen = new Map<string, { timeMs: number; stepMs: number }>();
  for await (const { cells, index } of csvRows(csv, [mapping.timestamp.column, labelColumn])) {
    const timeMs = parseTimestamp(csv, cells[index.get(mapping.timestamp.column)!] ?? '');
    const present = new Set(mapping.columns.filter((column) => (cells[index.get(column.column) ?? -1] ?? '') !== '').map((column) => column.asset));
    for (const asset of present) {
      const last = lastSeen.get(asset);
      lastSeen.set(asset, { timeMs, stepMs: last ? timeMs - last.timeMs : 0 });
    }
    const active = new Set<string>();
    for (const token of (cells[index.get(labelColumn)!] ?? '').split(';').map((t) => t.trim())) {
      if (token === '' || token === '0') continue;
      const split = token.lastIndexOf(':');
      const mode = split > 0 ? token.slice(split + 1) : token === '1' ? 'anomaly' : token;
      for (const asset of split > 0 ? [token.slice(0, split)] : present) active.add(`${asset}\u0000${mode}`);
    }
    for (const [key, episode] of open) {
      if (active.has(key) || !present.has(episode.assetPath)) continue;
      episode.endMs = timeMs;
      open.delete(key);
    }
    for (const key of active) {
      if (open.has(key)) continue;
      const [assetPath, mode] = key.split('\u0000') as [string, string];
      const episode = { id: `${assetPath}:${mode}@${timeMs}`, assetPath, mode, startMs: timeMs, endMs: timeMs };
      open.set(key, episode);
      episodes.push(episode);
    }
  }
  for (const episode of open.values()) {
    const last = lastSeen.get(episode.assetPath);
    episode.endMs = last ? last.timeMs + Math.max(last.stepMs, 1) : episode.startMs + 1;
  }
  return episodes;
}

/**
 * Reads a recorded CSV row by row as the numeric readings the features consume; empty cells (missing or
 * Bad readings) and text signals yield nothing, as they would not reach the features from Kafka either.
 */
export async function* readRecording(csv: string, mapping: RecordingMapping): AsyncGenerator<NumericReading[]> {
  for await (const { cells, index } of csvRows(csv, [mapping.timestamp.column, ...mapping.columns.map((column) => column.column)])) {
    const timeMs = parseTimestamp(csv, cells[index.get(mapping.timestamp.column)!] ?? '');
    const readings: NumericReading[] = [];
    for (const column of mapping.columns) {
      const cell = cells[index.get(column.column)!];
      if (cell === undefined || cell === '') continue;
      const value = Number(cell);
      if (Number.isFinite(value)) readings.push({ assetPath: column.asset, signal: column.signal, unit: column.unit, value, timeMs });
    }
    yield readings;
  }
}
