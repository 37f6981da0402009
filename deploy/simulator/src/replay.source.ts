import { readFileSync } from 'node:fs';
import { parseCsvLine } from './csv.format';
import { ReplayCsvInvalid } from './errors';
import { FAILURE_MODES, type FailureEpisode, type FailureMode } from './failure.modes';
import { makeAsset, plantFromAssets, type Asset, type Plant } from './plant.model';
import type { Reading } from './reading';
import type { ReplayMapping } from './replay.mapping';
import { ASSET_CLASSES, isSignalName, SIGNALS, type AssetClass, type SignalDefinition } from './signal.catalog';
import type { TimedBatch } from './tick.runner';

interface MappedColumn {
  index: number;
  asset: Asset;
  signal: SignalDefinition;
}

function classOf(assetId: string, declared?: AssetClass): AssetClass {
  if (declared) return declared;
  const prefix = assetId.split('-')[0];
  return (ASSET_CLASSES as readonly string[]).includes(prefix ?? '') ? (prefix as AssetClass) : 'motor';
}

function signalDefinition(name: string, unit?: string): SignalDefinition {
  // Mapped signals outside the catalog are numeric with the mapping's unit and no range.
  const known = isSignalName(name) ? SIGNALS[name] : { name: name as SignalDefinition['name'], kind: 'number' as const, unit: unit ?? '1', noise: 0 };
  return unit ? { ...known, unit } : known;
}

/**
 * A recorded plant read from CSV: each row is one instant, each mapped column one asset signal.
 * Empty cells are missing readings. The optional label column becomes failure episodes.
 */
export class ReplaySource {
  readonly plant: Plant;
  private readonly columns: MappedColumn[] = [];
  private readonly rows: string[][] = [];
  private readonly timestamps: number[] = [];
  private readonly labelIndex: number | undefined;
  private position = 0;

  constructor(
    private readonly file: string,
    private readonly mapping: ReplayMapping,
    private readonly historical = false,
  ) {
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    const header = parseCsvLine(lines[0] ?? '');
    const indexOf = (column: string) => {
      const index = header.indexOf(column);
      if (index < 0) throw new ReplayCsvInvalid(file, 1, `the header has no column "${column}" (it has ${header.join(', ')})`);
      return index;
    };
    const timestampIndex = indexOf(mapping.timestamp.column);
    this.labelIndex = mapping.label ? indexOf(mapping.label.column) : undefined;
    const assets = new Map<string, { parts: Omit<Asset, 'path' | 'signals'>; signals: SignalDefinition[] }>();
    const pending: { index: number; path: string; signal: SignalDefinition }[] = [];
    for (const column of mapping.columns) {
      const [enterprise = '', site = '', area = '', line = '', id = ''] = column.asset.split('/');
      const entry = assets.get(column.asset) ?? { parts: { enterprise, site, area, line, id, assetClass: classOf(id, column.assetClass) }, signals: [] };
      const signal = signalDefinition(column.signal, column.unit);
      entry.signals.push(signal);
      assets.set(column.asset, entry);
      pending.push({ index: indexOf(column.column), path: column.asset, signal });
    }
    const built = new Map([...assets].map(([path, entry]) => [path, makeAsset(entry.parts, entry.signals)]));
    this.plant = plantFromAssets([...built.values()]);
    for (const column of pending) {
      const asset = built.get(column.path);
      if (asset) this.columns.push({ index: column.index, asset, signal: column.signal });
    }
    for (let n = 1; n < lines.length; n++) {
      const text = lines[n];
      if (!text) continue;
      const row = parseCsvLine(text);
      this.timestamps.push(this.parseTimestamp(row[timestampIndex] ?? '', n + 1));
      this.rows.push(row);
    }
  }

  /** Plant time of the first row: the origin that replay pacing counts from. */
  get firstTimestampMs(): number | undefined {
    return this.timestamps[0];
  }

  /** The next row's readings, or undefined at the end of the recording. */
  next(): TimedBatch | undefined {
    const row = this.rows[this.position];
    const timestampMs = this.timestamps[this.position];
    if (!row || timestampMs === undefined) return undefined;
    const lineNumber = this.position + 2;
    this.position += 1;
    const readings: Reading[] = [];
    for (const column of this.columns) {
      const cell = row[column.index] ?? '';
      if (cell === '') continue;
      let value: number | string = cell;
      if (column.signal.kind === 'number') {
        value = Number(cell);
        if (!Number.isFinite(value)) throw new ReplayCsvInvalid(this.file, lineNumber, `column ${column.index + 1} (${column.signal.name}) holds "${cell}", not a number`);
      }
      readings.push({ asset: column.asset, signal: column.signal, timestampMs, value, quality: 'GOOD', status: 'Good', ...(this.historical ? { historical: true } : {}) });
    }
    return { timestampMs, readings };
  }

  /** Episodes from the label column: each contiguous run of one `<asset>:<mode>` entry is one episode. */
  labels(): FailureEpisode[] {
    if (this.labelIndex === undefined) return [];
    const episodes: FailureEpisode[] = [];
    const open = new Map<string, FailureEpisode>();
    const step = this.timestamps.length > 1 ? ((this.timestamps.at(-1) ?? 0) - (this.timestamps[0] ?? 0)) / (this.timestamps.length - 1) : 1000;
    this.rows.forEach((row, n) => {
      const timestampMs = this.timestamps[n] ?? 0;
      const present = new Set(this.labelEntries(row[this.labelIndex ?? 0] ?? '', n + 2));
      for (const [key, episode] of open) {
        if (!present.has(key)) {
          episode.endMs = timestampMs;
          open.delete(key);
        }
      }
      for (const key of present) {
        if (open.has(key)) continue;
        const separator = key.lastIndexOf(':');
        const episode: FailureEpisode = {
          id: `label-${episodes.length + 1}`,
          assetPath: key.slice(0, separator),
          mode: key.slice(separator + 1) as FailureMode,
          startMs: timestampMs,
          endMs: timestampMs,
        };
        episodes.push(episode);
        open.set(key, episode);
      }
    });
    for (const episode of open.values()) episode.endMs = (this.timestamps.at(-1) ?? episode.startMs) + step;
    return episodes;
  }

  private labelEntries(cell: string, lineNumber: number): string[] {
    const text = cell.trim();
    if (text === '' || text === 'normal') return [];
    return text.split(';').map((entry) => {
      const separator = entry.lastIndexOf(':');
      const assetPath = separator >= 0 ? entry.slice(0, separator).trim() : '*';
      const mode = (separator >= 0 ? entry.slice(separator + 1) : entry).trim();
      if (!(FAILURE_MODES as readonly string[]).includes(mode))
        throw new ReplayCsvInvalid(this.file, lineNumber, `label "${entry}" names no failure mode (one of ${FAILURE_MODES.join(', ')})`);
      return `${assetPath}:${mode}`;
    });
  }

  private parseTimestamp(cell: string, lineNumber: number): number {
    const format = this.mapping.timestamp.format;
    const numeric = /^-?\d+(\.\d+)?$/.test(cell);
    let value = Number.NaN;
    if (format === 'epoch_s') value = Number(cell) * 1000;
    else if (format === 'epoch_ms' || (format === 'auto' && numeric)) value = Number(cell);
    else value = Date.parse(cell);
    if (!Number.isFinite(value)) throw new ReplayCsvInvalid(this.file, lineNumber, `timestamp "${cell}" is not ${format === 'auto' ? 'ISO 8601 or epoch milliseconds' : format}`);
    return value;
  }
}
