import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pseudonymiser } from './pseudonymiser';

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

  it('creates a private key file on first start and reuses it', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'fm-key-')), 'keys', 'pseudonymisation.key');
    const first = await Pseudonymiser.fromKeyFile(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file)).length).toBe(32);
    expect((await Pseudonymiser.fromKeyFile(file)).pseudonymise('badge-1')).toBe(first.pseudonymise('badge-1'));
  });
});
