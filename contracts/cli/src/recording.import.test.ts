import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './cli';
import { ImportInputInvalid } from './errors';
import { importRecording, type ImportOptions } from './recording.import';
import { parseZonedTimestamp } from './zoned-time';

const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const base = { format: 'wide', assetClass: 'pump', delimiter: ',', timeColumn: 'time', signalColumn: 'signal', valueColumn: 'value' } satisfies Partial<ImportOptions>;

describe('parseZonedTimestamp', () => {
  it('reads zoneless wall-clock time in the given zone, across a daylight-saving change', () => {
    expect(parseZonedTimestamp('2020-03-09 10:34:33', 'Europe/Moscow')).toBe(Date.parse('2020-03-09T07:34:33Z'));
    expect(parseZonedTimestamp('2026-03-29 01:30:00', 'Europe/Berlin')).toBe(Date.parse('2026-03-29T00:30:00Z'));
    expect(parseZonedTimestamp('2026-03-29T03:30:00.250', 'Europe/Berlin')).toBe(Date.parse('2026-03-29T01:30:00.250Z'));
  });

  it('keeps an explicit zone and epoch milliseconds, and refuses zoneless time without a zone', () => {
    expect(parseZonedTimestamp('2026-01-01T00:00:00+02:00', 'UTC')).toBe(Date.parse('2025-12-31T22:00:00Z'));
    expect(parseZonedTimestamp('1795000000000', undefined)).toBe(1_795_000_000_000);
    expect(parseZonedTimestamp('2026-01-01 00:00:00', undefined)).toBeUndefined();
  });
});

describe('importRecording', () => {
  it('merges wide files of separate runs, unsorted, into one time-sorted recording with labels per asset', async () => {
    const a = file('valve1/1.csv', 'time;Volume Flow RateRMS;Temperature;anomaly\n2020-03-09 10:00:02;32;70.5;1.0\n2020-03-09 10:00:01;31;70.4;0.0\n');
    const b = file('valve2/1.csv', 'time;Volume Flow RateRMS;Temperature;anomaly\n2020-03-09 09:59:59;30;79;0\n2020-03-09 10:00:02;30;79;valve closed\n');
    const out = join(dir, 'runs.csv');
    const summary = await importRecording({ ...base, files: [a, b], out, delimiter: ';', labelColumn: 'anomaly', timeZone: 'UTC' });
    expect(summary).toMatchObject({ rows: 3, readings: 8, assets: ['valve1-1', 'valve2-1'], signals: ['temperature', 'volume_flow_raterms'], labelledPoints: 1 });
    expect(readFileSync(out, 'utf8').split('\n')).toEqual([
      'timestamp,valve1-1.temperature,valve1-1.volume_flow_raterms,valve2-1.temperature,valve2-1.volume_flow_raterms,label',
      '2020-03-09T09:59:59.000Z,,,79,30,',
      '2020-03-09T10:00:01.000Z,70.4,31,,,',
      '2020-03-09T10:00:02.000Z,70.5,32,79,30,valve1-1:anomaly;valve2-1:valve_closed',
      '',
    ]);
    const mapping = parse(readFileSync(join(dir, 'runs.mapping.yaml'), 'utf8'));
    expect(mapping.label).toEqual({ column: 'label' });
    expect(mapping.columns[0]).toEqual({ column: 'valve1-1.temperature', asset: 'valve1-1', signal: 'temperature', unit: '', assetClass: 'pump' });
  });

  it('reads long files (time, asset, signal, value) with a failure-mode label', async () => {
    const long = file('long.csv', 'time,asset,signal,value,mode\n1000,p-2,flow,3,\n1000,p-1,flow,2,\n2000,p-1,flow,9,cavitation\n2000,p-1,flow,x,\n');
    const out = join(dir, 'long-out.csv');
    const summary = await importRecording({ ...base, format: 'long', files: [long], out, assetColumn: 'asset', labelColumn: 'mode' });
    expect(summary).toMatchObject({ rows: 2, readings: 3, skippedCells: 1, assets: ['p-1', 'p-2'] });
    expect(readFileSync(out, 'utf8')).toContain('1970-01-01T00:00:02.000Z,9,,p-1:cavitation');
  });

  it('refuses zoneless timestamps without --timezone, naming the file, the line and the fix', async () => {
    const zoneless = file('zoneless.csv', 'time,t\n2020-03-09 10:00:00,1\n');
    await expect(importRecording({ ...base, files: [zoneless], out: join(dir, 'z.csv') })).rejects.toThrow(ImportInputInvalid);
    await expect(importRecording({ ...base, files: [zoneless], out: join(dir, 'z.csv') })).rejects.toThrow(/zoneless.csv line 2: timestamp .* has no time zone.*--timezone/);
  });
});

describe('fieldmesh data import / models evaluate', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {}, cwd: dir } };
  };

  it('checks its options before reading anything, with exit code 2', async () => {
    const bad = io();
    expect(await runCli(['data', 'import', 'x.csv', '--out', 'r.csv', '--asset-class', 'pump', '--timezone', 'Mars/Olympus'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toContain("--timezone 'Mars/Olympus' is not an IANA time zone");
  });

  it('prints point-wise and episode figures and fails a gate the predictions do not pass', async () => {
    const predictions = file(
      'predictions.csv',
      [
        'timestamp,assetPath,label,anomaly,predicted,score,threshold',
        ...[0, 0, 1, 1, 1, 0].map((label, i) => `2026-01-01T00:00:0${i}Z,p-1,${label ? 'leak' : ''},${label},${i >= 3 ? 1 : 0},,`),
      ].join('\n'),
    );
    const run = io();
    expect(await runCli(['models', 'evaluate', '--predictions', predictions, '--min-f1', '0.9'], run.io)).toBe(1);
    expect(run.out.join('\n')).toContain('point-wise  precision 66.7 %  recall 66.7 %  F1 66.7 %');
    expect(run.out.join('\n')).toContain('1/1 detected (recall 100.0 %)');
    expect(run.out.join('\n')).toContain('delay mean 1 s');
    expect(run.err.join('\n')).toContain('below --min-f1 90.0 %');
  });
});
