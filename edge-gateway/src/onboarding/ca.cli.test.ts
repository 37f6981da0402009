import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from './ca.cli';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fieldmesh-ca-cli-'));
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('') };
}

describe('ca command', () => {
  it('onboards a device from init to revoke, and lists it as revoked', async () => {
    const ca = ['--dir', join(dir, 'ca')];
    expect((await run('init', '--site', 'plant-1', ...ca)).code).toBe(0);
    expect((await run('csr', '--id', 'pump-1', '--key-out', join(dir, 'pump.key'), '--csr-out', join(dir, 'pump.csr'))).code).toBe(0);
    expect((await run('issue', '--csr', join(dir, 'pump.csr'), '--type', 'device', '--out', join(dir, 'pump.crt'), ...ca)).code).toBe(0);
    expect(readFileSync(join(dir, 'pump.crt'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect((await run('revoke', '--cert', join(dir, 'pump.crt'), '--reason', 'keyCompromise', ...ca)).code).toBe(0);

    const listed = JSON.parse((await run('list', '--json', ...ca)).out) as { id: string; status: string }[];
    expect(listed.map((entry) => [entry.id, entry.status])).toEqual([['pump-1', 'revoked']]);
  });

  it('answers a usage mistake with exit code 2 and the way to the help', async () => {
    const result = await run('issue', '--type', 'device', '--dir', join(dir, 'ca'));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--csr is required.*\n.*ca issue --help/);
    expect((await run('revoke', '--reason', 'bored', '--serial', '01', '--dir', join(dir, 'ca'))).code).toBe(2);
  });

  it('says how to create the CA when the folder holds none', async () => {
    const result = await run('list', '--dir', join(dir, 'nothing'));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/No site CA in .*Run 'ca init/);
  });

  it('prints help for the tool and for each command', async () => {
    expect((await run('--help')).out).toMatch(/Commands:[\s\S]*revoke/);
    expect((await run('issue', '--help')).out).toMatch(/--not-after/);
  });
});
