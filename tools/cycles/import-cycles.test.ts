import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findImportCycles } from './import.graph';

const root = resolve(import.meta.dirname, '../..');

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'import-cycles-'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { moduleResolution: 'bundler', module: 'esnext' }, include: ['*.ts'] }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('import cycles', () => {
  it('none among the repo files, type-only imports included (move the shared type to its own module to break one)', () => {
    expect(findImportCycles(join(root, 'tsconfig.json'), root)).toEqual([]);
  });

  it('finds a cycle that only a type import closes, which import-x/no-cycle lets through', () => {
    const dir = fixture({
      'errors.ts': "import type { Item } from './item.types';\nexport class Failed extends Error { constructor(readonly item: Item) { super(); } }\n",
      'item.types.ts': "import type { Failed } from './errors';\nexport interface Item { failure?: Failed }\n",
      'reader.ts': "import type { Item } from './item.types';\nexport const read = (item: Item) => item;\n",
    });
    expect(findImportCycles(join(dir, 'tsconfig.json'), dir)).toEqual([['errors.ts', 'item.types.ts']]);
  });
});
