import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PseudonymisationKeyExposed, PseudonymisationKeyTooShort } from './errors';
import { Pseudonymiser } from './pseudonymiser';

const stateDirs: string[] = [];
afterAll(() => Promise.all(stateDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function keyPath(): Promise<string> {
  const stateDir = await mkdtemp(join(tmpdir(), 'fm-key-'));
  stateDirs.push(stateDir);
  return join(stateDir, 'keys', 'pseudonymisation.key');
}

describe('Pseudonymiser', () => {
  it('gives one stable pseudonym per person that does not contain the clear value', () => {
    const p = Pseudonymiser.fromKey(Buffer.alloc(32, 7));
    const a = p.pseudonymise('badge-1234');
    expect(a).toMatch(/^ps_[A-Za-z0-9_-]{32}$/);
    expect(a).not.toContain('1234');
    expect(p.pseudonymise(' BADGE-1234 ')).toBe(a);
    expect(p.pseudonymise('badge-1235')).not.toBe(a);
  });

  it('depends on the site key', () => {
    expect(Pseudonymiser.fromKey(Buffer.alloc(32, 1)).pseudonymise('x')).not.toBe(Pseudonymiser.fromKey(Buffer.alloc(32, 2)).pseudonymise('x'));
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => Pseudonymiser.fromKey(Buffer.alloc(16, 1))).toThrow(PseudonymisationKeyTooShort);
  });

  it('creates a private key file on first start, leaves no temporary file and reuses the key', async () => {
    const file = await keyPath();
    const first = await Pseudonymiser.fromKeyFile(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file)).length).toBe(32);
    expect(await readdir(join(file, '..'))).toEqual(['pseudonymisation.key']);
    expect((await Pseudonymiser.fromKeyFile(file)).pseudonymise('badge-1')).toBe(first.pseudonymise('badge-1'));
  });

  it('gives two gateways starting together on a fresh state folder the same key', async () => {
    const file = await keyPath();
    const [a, b] = await Promise.all([Pseudonymiser.fromKeyFile(file), Pseudonymiser.fromKeyFile(file)]);
    expect(a.pseudonymise('badge-1')).toBe(b.pseudonymise('badge-1'));
    expect((await Pseudonymiser.fromKeyFile(file)).pseudonymise('badge-1')).toBe(a.pseudonymise('badge-1'));
  });

  it('refuses an empty key file (a key lost in a power cut) instead of using or replacing it', async () => {
    const file = await keyPath();
    await Pseudonymiser.fromKeyFile(file);
    await writeFile(file, Buffer.alloc(0));
    const refusal = await Pseudonymiser.fromKeyFile(file).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PseudonymisationKeyTooShort);
    expect(refusal).toMatchObject({ file, bytes: 0, minBytes: 32 });
    expect((await readFile(file)).length).toBe(0);
  });

  it.each([0o640, 0o604, 0o660])('refuses a key file with mode %o, naming the file, the mode and the chmod that fixes it', async (mode) => {
    const file = await keyPath();
    await Pseudonymiser.fromKeyFile(file);
    await chmod(file, mode);
    const refusal = await Pseudonymiser.fromKeyFile(file).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PseudonymisationKeyExposed);
    expect(refusal).toMatchObject({ file, mode });
    expect((refusal as Error).message).toContain(`mode 0${mode.toString(8)}`);
    expect((refusal as Error).message).toContain(`chmod 600 ${file}`);
  });
});
