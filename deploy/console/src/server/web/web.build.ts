import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebBuildFailed } from '../errors';

/** deploy/console/web, beside this package's src/. */
export const WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web');

export interface WebBuildOptions {
  /** Folder holding vite.config.ts, index.html and src/; default deploy/console/web. */
  root?: string;
  /** Vite's dependency cache; default Vite's own (node_modules/.vite). */
  cacheDir?: string;
  /** Build even when dist is newer than every source. */
  force?: boolean;
}

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtimeMs(join(path, name))), stat.mtimeMs);
}

/** The UI's inputs: its sources, page, Vite config and package manifest, and the API types it imports. */
function sources(root: string): string[] {
  return [join(root, 'src'), join(root, 'index.html'), join(root, 'vite.config.ts'), join(root, '..', 'package.json'), join(root, '..', 'src', 'api')];
}

/** True when dist/index.html is missing or older than some source of the UI. */
export function webBuildOutdated(root = WEB_ROOT): boolean {
  const built = join(root, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return sources(root).some((source) => newestMtimeMs(source) > builtAt);
}

let building: Promise<{ built: boolean; dist: string }> | undefined;

/**
 * Builds the React UI with Vite's JS API and the UI's own vite.config.ts when dist is missing or older
 * than the sources (or `force`). Resolves with the dist folder and whether it built. One build at a time
 * per process: consoles started together share it.
 */
export function buildConsoleWeb(options: WebBuildOptions = {}): Promise<{ built: boolean; dist: string }> {
  const root = resolve(options.root ?? WEB_ROOT);
  const dist = join(root, 'dist');
  building ??= (async () => {
    if (!options.force && !webBuildOutdated(root)) return { built: false, dist };
    try {
      const { build } = await import('vite');
      await build({ configFile: join(root, 'vite.config.ts'), root, logLevel: 'warn', ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}) });
    } catch (cause) {
      throw new WebBuildFailed(root, { cause });
    }
    return { built: true, dist };
  })().finally(() => (building = undefined));
  return building;
}
