import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingInvalid } from '../errors';
import { readRecording, recordingEpisodes, type RecordingMapping } from './recording.reader';

const dir = mkdtempSync(join(tmpdir(), 'asset-health-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mapping: RecordingMapping = {
  timestamp: { column: 'timestamp' },
  label: { column: 'label' },
  columns: [
    { column: 'a.t', asset: 'run-a', signal: 't', unit: '' },
    { column: 'b.t', asset: 'run-b', signal: 't', unit: '' },
  ],
};

function recording(name: string, rows: string[]): { csv: string; mapping: string; labels: string } {
  const csv = join(dir, `${name}.csv`);
  writeFileSync(csv, `timestamp,a.t,b.t,label\n${rows.join('\n')}\n`);
  return { csv, mapping: join(dir, `${name}.mapping.yaml`), labels: join(dir, `${name}.labels.jsonl`) };
}

describe('recording labels from the mapping label.column', () => {
  it('reads <asset>:<mode> cells and bare 1/mode cells (for the assets with a reading in the row) as episodes', async () => {
    const files = recording('labels', [
      '2026-01-01T00:00:00Z,1,,0',
      '2026-01-01T00:00:01Z,1,,run-a:valve_closed',
      '2026-01-01T00:00:02Z,,5,1',
      '2026-01-01T00:00:03Z,1,,',
      '2026-01-01T00:00:04Z,,5,1',
      '2026-01-01T00:00:05Z,,5,0',
    ]);
    const episodes = await recordingEpisodes(files, mapping);
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    expect(episodes.map((e) => [e.assetPath, e.mode, e.startMs - t0, e.endMs - t0])).toEqual([
      ['run-a', 'valve_closed', 1000, 3000],
      ['run-b', 'anomaly', 2000, 5000],
    ]);
  });

  it('refuses a timestamp without a zone instead of reading it as local time', async () => {
    const files = recording('zoneless', ['2026-01-01 10:00:00,1,,0']);
    await expect(async () => {
      for await (const _ of readRecording(files.csv, mapping));
    }).rejects.toThrow(RecordingInvalid);
    await expect(recordingEpisodes(files, mapping)).rejects.toThrow(/no time zone.*fieldmesh data import --timezone/);
  });
});
