import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromFlags, runCli } from './cli';
import { parseSimulatorConfig } from './config';

async function cli(args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runCli(args, (line) => lines.push(line));
  return { code, output: lines.join('\n') };
}

describe('simulator CLI', () => {
  it('--help lists the commands and the protocol options', async () => {
    const { code, output } = await cli(['--help']);
    expect(code).toBe(0);
    for (const word of ['run', 'record', 'replay', 'load', '--mqtt-url', '--sparkplug', '--opcua-port', '--speed', '--max-lead', '--failures']) expect(output).toContain(word);
  });

  it('--max-lead sets how far the plant may run ahead of the wall clock before it slows to real time', () => {
    expect(parseSimulatorConfig(configFromFlags('run', { speed: '10', 'max-lead': '270' })).maxLeadSeconds).toBe(270);
    expect(parseSimulatorConfig(configFromFlags('run', {})).maxLeadSeconds).toBeUndefined();
  });

  it('names every bad field of the options and exits 1', async () => {
    const { code, output } = await cli(['run', '--json', '--rate=-2', '--speed', 'fast']);
    expect(code).toBe(1);
    expect(output).toMatch(/rate: Too small/);
    expect(output).toMatch(/speed: Invalid input: expected number/);
  });

  it('names the bad entry of a failure schedule file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    writeFileSync(join(dir, 'failures.yaml'), '- { asset: line-1/pump-1, mode: explosion, at: 0, duration: 5 }\n');
    const { code, output } = await cli(['record', '--out', join(dir, 'x.csv'), '--failures', join(dir, 'failures.yaml')]);
    expect(code).toBe(1);
    expect(output).toContain('failures.yaml is invalid');
    expect(output).toMatch(/0\.mode: Invalid option/);
  });

  it('record writes a labelled CSV with a scheduled failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    writeFileSync(join(dir, 'failures.yaml'), 'failures:\n  - { asset: line-1/compressor-1, mode: overheating, at: 10, duration: 20 }\n');
    const { code, output } = await cli(['record', '--out', join(dir, 'plant.csv'), '--duration', '60', '--seed', '3', '--failures', join(dir, 'failures.yaml')]);
    expect(code).toBe(0);
    expect(output).toContain('60 rows');
    const rows = readFileSync(join(dir, 'plant.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(61);
    expect(rows.filter((row) => row.endsWith('acme/berlin/press-shop/line-1/compressor-1:overheating'))).toHaveLength(20);
    expect(readFileSync(join(dir, 'plant.labels.jsonl'), 'utf8')).toContain('"mode":"overheating"');
  });
});
