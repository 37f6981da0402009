import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is platform/stack/src/paths.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Each test run's stack gets its own folder under TEST_STACKS_DIR (several runs may share a working tree);
 * LOCAL_STACK_DIR holds the one `npm run stack -- up` starts for people. Both gitignored.
 */
export const TEST_STACKS_DIR = join(REPO_ROOT, '.fieldmesh', 'test-stack');
export const LOCAL_STACK_DIR = join(REPO_ROOT, '.fieldmesh', 'stack');

/** Downloads reused across clones and runs: FIELDMESH_CACHE_DIR, else $XDG_CACHE_HOME/fieldmesh, else ~/.cache/fieldmesh. */
export function defaultCacheDir(): string {
  if (process.env.FIELDMESH_CACHE_DIR) return process.env.FIELDMESH_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'fieldmesh');
}
