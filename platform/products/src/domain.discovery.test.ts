import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverDomains } from './domain.discovery';
import { DomainNotDeclared } from './errors';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A domains folder with one package per entry: its name and the text of its src/index.ts. */
function domainsFolder(packages: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'fm-domains-'));
  folders.push(folder);
  for (const [name, index] of Object.entries(packages)) {
    mkdirSync(join(folder, name, 'src'), { recursive: true });
    writeFileSync(join(folder, name, 'package.json'), JSON.stringify({ name, type: 'module', exports: { '.': './src/index.ts' } }));
    writeFileSync(join(folder, name, 'src', 'index.ts'), index);
  }
  return folder;
}

const declared = (name: string) => `export const domain = { [Symbol.for('fieldmesh.domain')]: true, name: '${name}', products: {} };`;

describe('discoverDomains', () => {
  it('finds the domain each package exports, in name order, and skips folders that are no package', async () => {
    const folder = domainsFolder({ zeta: declared('zeta'), alpha: declared('alpha') });
    mkdirSync(join(folder, 'notes'));
    expect((await discoverDomains([folder])).map((domain) => domain.name)).toEqual(['alpha', 'zeta']);
  });

  it('refuses a package under domains/ that exports no domain, naming its entry', async () => {
    const folder = domainsFolder({ stray: 'export const helper = 1;' });
    await expect(discoverDomains([folder])).rejects.toThrow(DomainNotDeclared);
    await expect(discoverDomains([folder])).rejects.toThrow(join(folder, 'stray', 'src', 'index.ts'));
  });
});
