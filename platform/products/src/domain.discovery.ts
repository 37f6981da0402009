import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AnyDomain, isDomainDeclaration } from './domain.declaration';
import { DomainNotDeclared } from './errors';

/**
 * Every domain in the given folders (each `<folder>/<domain>/` a package whose entry exports `domain`,
 * made with defineDomain), in name order: the main job starts what it finds, so a new domain is one
 * folder under domains/ and no wiring elsewhere.
 */
export async function discoverDomains(folders: string[]): Promise<AnyDomain[]> {
  const domains: AnyDomain[] = [];
  for (const folder of folders) {
    const entries = (await readdir(folder, { withFileTypes: true })).filter((entry) => entry.isDirectory()).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const packageDir = join(folder, entry.name);
      if (!existsSync(join(packageDir, 'package.json'))) continue;
      const file = join(packageDir, entryOf(packageDir));
      const loaded = (await import(pathToFileURL(file).href)) as { domain?: unknown };
      if (!isDomainDeclaration(loaded.domain)) throw new DomainNotDeclared(packageDir, file);
      domains.push(loaded.domain);
    }
  }
  return domains;
}

/** The package's entry (`exports["."]`), else src/index.ts as every package here has. */
function entryOf(packageDir: string): string {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports?: string | Record<string, unknown> };
  const entry = typeof manifest.exports === 'string' ? manifest.exports : manifest.exports?.['.'];
  return typeof entry === 'string' ? entry : join('src', 'index.ts');
}
