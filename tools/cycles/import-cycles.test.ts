import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findImportCycles } from './import.graph';

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'import-cycles-'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { moduleResolution: 'bundler', module: 'esnext' }, include: ['*.ts'] }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('import cycles', () => {
  it('finds a cycle that only a type import closes, which import-x/no-cycle lets through', () => {
    const dir = fixture({
      'errors.ts': "import type { Item } from './item.types';\nexport class Failed extends Error { constructor(readonly item: Item) { super(); } }\n",
      'item.types.ts': "import type { Failed } from './errors';\nexport interface Item { failure?: Failed }\n",
      'reader.ts': "import type { Item } from './item.types';\nexport const read = (item: Item) => item;\n",
    });
    expect(findImportCycles(join(dir, 'tsconfig.json'), dir)).toEqual([['errors.ts', 'item.types.ts']]);
  });
});
