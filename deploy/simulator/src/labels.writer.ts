import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FailureEpisode } from './failure.modes';

/** One ground-truth label as written to disk: the episode plus ISO times for people. */
export interface LabelRecord extends FailureEpisode {
  start: string;
  end: string;
}

export function toLabelRecord(episode: FailureEpisode): LabelRecord {
  return { ...episode, start: new Date(episode.startMs).toISOString(), end: new Date(episode.endMs).toISOString() };
}

const CSV_COLUMNS = ['id', 'assetPath', 'mode', 'signal', 'startMs', 'endMs', 'start', 'end', 'severity'] as const;

export function labelCsvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\n`;
}

export function labelCsvLine(record: LabelRecord): string {
  return `${CSV_COLUMNS.map((column) => String(record[column] ?? '')).join(',')}\n`;
}

/**
 * Appends each finished episode to a JSON-lines file and/or a CSV file as soon as it ends, so a
 * simulator that is killed still leaves the labels of everything that happened before.
 */
export class LabelsWriter {
  constructor(private readonly files: { jsonl?: string | undefined; csv?: string | undefined }) {
    for (const file of [files.jsonl, files.csv]) if (file) mkdirSync(dirname(file), { recursive: true });
    if (files.jsonl) writeFileSync(files.jsonl, '');
    if (files.csv) writeFileSync(files.csv, labelCsvHeader());
  }

  write(episode: FailureEpisode): void {
    const record = toLabelRecord(episode);
    if (this.files.jsonl) appendFileSync(this.files.jsonl, `${JSON.stringify(record)}\n`);
    if (this.files.csv) appendFileSync(this.files.csv, labelCsvLine(record));
  }
}
