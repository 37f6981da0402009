import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { csvLine } from './csv.format';
import { ReplayCsvInvalid } from './errors';
import { replayMapping } from './replay.mapping';
import { ReplaySource } from './replay.source';

const mapping = replayMapping.parse({
  label: { column: 'label' },
  columns: [
    { column: 'pump_temp', asset: 'acme/berlin/press-shop/line-1/pump-1', signal: 'bearing_temperature' },
    { column: 'pump_state', asset: 'acme/berlin/press-shop/line-1/pump-1', signal: 'state' },
  ],
});
const HEADER = csvLine(['timestamp', 'pump_temp', 'pump_state', 'label']);

/** Cells a recording holds, and what a hand-edited or corrupted one holds instead. */
const cell = fc.oneof(
  fc.constantFrom(
    '',
    '61.5',
    '-0',
    '1e308',
    '1e999',
    'NaN',
    'normal',
    'acme/berlin/press-shop/line-1/pump-1:overheating',
    'pump-1:leak;x:y',
    '2026-05-01T10:00:00Z',
    '"',
    '""',
    '","',
  ),
  fc.string({ maxLength: 20 }),
  fc.double().map(String),
);
const row = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.oneof(fc.maxSafeNat().map(String), cell), cell, cell, cell).map((cells) => csvLine(cells)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((text) => `${text.replace(/[\r\n]/g, ' ')}\n`) },
);
const text = fc.oneof(
  { weight: 8, arbitrary: fc.array(row, { maxLength: 12 }).map((rows) => HEADER + rows.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 50_000 }).map((quotes) => `${HEADER}1,"${'"'.repeat(quotes)}\n`) },
);

const file = join(mkdtempSync(join(tmpdir(), 'fieldmesh-fuzz-replay-')), 'plant.csv');

/**
 * Any replay CSV: reading it (rows and labels) succeeds or stops with ReplayCsvInvalid naming the line,
 * never another error. A replay is a recording: a bad row stops it rather than being skipped.
 */
export const replayCsvFuzz = {
  name: 'csv-replay',
  arbitrary: text,
  check(input: string): void {
    // A new file each time: ext4 flushes a file truncated and rewritten in place on close, eight times slower.
    rmSync(file, { force: true });
    writeFileSync(file, input);
    try {
      const source = new ReplaySource(file, mapping);
      while (source.next()) {
        // drained: every row is parsed
      }
      source.labels();
    } catch (error) {
      if (!(error instanceof ReplayCsvInvalid)) throw error;
    }
  },
};
