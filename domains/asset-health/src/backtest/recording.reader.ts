import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseWith } from '@fieldmesh/config';
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
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = labelRecord.safeParse(JSON.parse(line));
      if (!parsed.success) throw new RecordingInvalid(file, `line ${index + 1} is not a label record: ${parsed.error.message}`, 'use the labels the simulator wrote');
      return parsed.data;
    });
}

/** Splits one CSV line with RFC 4180 quoting. */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/**
 * Reads a recorded CSV row by row as the numeric readings the features consume; empty cells (missing or
 * Bad readings) and text signals yield nothing, as they would not reach the features from Kafka either.
 */
export async function* readRecording(csv: string, mapping: RecordingMapping): AsyncGenerator<NumericReading[]> {
  if (!existsSync(csv)) throw new RecordingInvalid(csv, 'the recording does not exist', 'record one with `npx tsx deploy/simulator/src/main.ts record --out <file.csv>`');
  const lines = createInterface({ input: createReadStream(csv), crlfDelay: Number.POSITIVE_INFINITY });
  let columns: Array<{ index: number; asset: string; signal: string; unit: string }> | undefined;
  let timeIndex = -1;
  for await (const line of lines) {
    if (line === '') continue;
    const cells = parseCsvLine(line);
    if (!columns) {
      timeIndex = cells.indexOf(mapping.timestamp.column);
      if (timeIndex < 0) throw new RecordingInvalid(csv, `the header has no timestamp column '${mapping.timestamp.column}'`, 'check the mapping against the CSV header');
      columns = mapping.columns.map((column) => {
        const index = cells.indexOf(column.column);
        if (index < 0) throw new RecordingInvalid(csv, `the header has no column '${column.column}' named in the mapping`, 'use the mapping written with this recording');
        return { index, asset: column.asset, signal: column.signal, unit: column.unit };
      });
      continue;
    }
    const stamp = cells[timeIndex] ?? '';
    const timeMs = /^\d+$/.test(stamp) ? Number(stamp) : Date.parse(stamp);
    if (!Number.isFinite(timeMs)) throw new RecordingInvalid(csv, `timestamp '${stamp}' is neither ISO 8601 nor epoch milliseconds`, 'fix the timestamp column');
    const readings: NumericReading[] = [];
    for (const column of columns) {
      const cell = cells[column.index];
      if (cell === undefined || cell === '') continue;
      const value = Number(cell);
      if (Number.isFinite(value)) readings.push({ assetPath: column.asset, signal: column.signal, unit: column.unit, value, timeMs });
    }
    yield readings;
  }
}
