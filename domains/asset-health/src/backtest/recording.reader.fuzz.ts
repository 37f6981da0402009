import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { RecordingInvalid } from '../errors';
import { readRecording, type RecordingMapping } from './recording.reader';

const mapping: RecordingMapping = {
  timestamp: { column: 'timestamp' },
  columns: [{ column: 'pump_temp', asset: 'acme/berlin/press-shop/line-1/pump-1', signal: 'bearing_temperature', unit: 'Cel' }],
};
const HEADER = 'timestamp,pump_temp,label\n';
const LAST = '1795000000000,61.5,normal\n';

const cell = fc.oneof(fc.constantFrom('', '61.5', '1e999', 'NaN', '"', '""', '","', '2026-05-01T10:00:00Z'), fc.string({ maxLength: 20 }), fc.double().map(String));
const quote = (text: string) => (/[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const row = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.maxSafeNat().map(String), cell, cell).map((cells) => `${cells.map(quote).join(',')}\n`) },
  { weight: 1, arbitrary: fc.tuple(cell, cell).map((cells) => `1795000000000,${cells.join(',')}\n`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((text) => `${text.replace(/[\r\n]/g, ' ')}\n`) },
);
const text = fc.oneof(
  { weight: 9, arbitrary: fc.array(row, { maxLength: 12 }).map((rows) => HEADER + rows.join('') + LAST) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

const file = join(mkdtempSync(join(tmpdir(), 'fieldmesh-fuzz-recording-')), 'plant.csv');

/**
 * Any recording imported for a backtest: rows are read to the end, a cell that is not a number is
 * skipped and the rows after it still count (the final valid row is read), or reading stops with
 * RecordingInvalid (a bad header or timestamp), never another error.
 */
export const recordingCsvFuzz = {
  name: 'csv-import',
  arbitrary: text,
  async check(input: string): Promise<void> {
    // A new file each time: ext4 flushes a file truncated and rewritten in place on close, eight times slower.
    rmSync(file, { force: true });
    writeFileSync(file, input);
    let last: unknown;
    try {
      for await (const readings of readRecording(file, mapping)) last = readings;
    } catch (error) {
      if (error instanceof RecordingInvalid) return;
      throw error;
    }
    if (
      input.endsWith(LAST) &&
      JSON.stringify(last) !== JSON.stringify([{ assetPath: mapping.columns[0]!.asset, signal: 'bearing_temperature', unit: 'Cel', value: 61.5, timeMs: 1795000000000 }])
    ) {
      throw new Error(`the valid last row was not read: ${JSON.stringify(last)}`);
    }
  },
};
