import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CreateNodes, TargetConfiguration } from '@nx/devkit';

/**
 * Gives every workspace package the same four targets, so `nx affected -t lint typecheck test` runs what
 * a change reaches. Inputs and caching are in nx.json's targetDefaults; the commands are here, once.
 * Nx loads this file with Node's type stripping: erasable syntax only, no relative imports.
 */
const targets = (root: string): Record<string, TargetConfiguration> => ({
  lint: { command: `eslint ${root}` },
  typecheck: { command: `tsx tools/nx/typecheck-project.ts ${root}` },
  // A trailing slash so that platform/kafka does not also run platform/kafka-something's tests.
  test: { command: `vitest run --project unit --passWithNoTests ${root}/` },
  integration: { command: `vitest run --project integration --passWithNoTests ${root}/` },
});

/** Whether `root` is one of the root package.json's workspaces ("platform/*" or "edge-gateway"). */
function isWorkspace(root: string, patterns: string[]): boolean {
  return patterns.some((pattern) => (pattern.endsWith('/*') ? dirname(root) === pattern.slice(0, -2) : root === pattern));
}

export const createNodes: CreateNodes = [
  '**/package.json',
  (files, _options, context) => {
    const { workspaces } = JSON.parse(readFileSync(join(context.workspaceRoot, 'package.json'), 'utf8')) as { workspaces: string[] };
    return files
      .map((file) => [file, dirname(file)] as const)
      .filter(([, root]) => isWorkspace(root, workspaces))
      .map(([file, root]) => [file, { projects: { [root]: { targets: targets(root) } } }] as const);
  },
];
