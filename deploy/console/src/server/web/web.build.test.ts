import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { webBuildOutdated } from './web.build';

describe('web build freshness', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function webFolder(): string {
    const pkg = mkdtempSync(join(tmpdir(), 'console-web-'));
    dirs.push(pkg);
    const root = join(pkg, 'web');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src', 'main.tsx'), 'export {};');
    writeFileSync(join(root, 'index.html'), '<html></html>');
    return root;
  }

  const touch = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

  it('needs a build without dist, and after a source changed; not when dist is newer', () => {
    const root = webFolder();
    expect(webBuildOutdated(root)).toBe(true);
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'index.html'), '<html></html>');
    for (const file of [join(root, 'src', 'main.tsx'), join(root, 'src'), join(root, 'index.html')]) touch(file, 1_000);
    touch(join(root, 'dist', 'index.html'), 2_000);
    expect(webBuildOutdated(root)).toBe(false);
    touch(join(root, 'src', 'main.tsx'), 3_000);
    expect(webBuildOutdated(root)).toBe(true);
  });
});
