import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadContract, type LoadedContract } from '@fieldmesh/governance';
import { parse as parseYaml } from 'yaml';
import { contractFiles } from './contracts.selection';
import { ContractSchemaNotFound } from './errors';

/**
 * Loads one contract file given on the command line. Its `schema.ref` is relative to a repository root; that
 * root is `root` when given, else the nearest parent directory of the file where the ref exists, so two
 * checkouts (or fixtures) side by side each resolve their own schema.
 */
export function loadContractFile(file: string, root?: string): LoadedContract {
  const path = resolve(file);
  if (root) return loadContract(path, root);
  const document = parseYaml(readFileSync(path, 'utf8')) as { schema?: { ref?: unknown } } | null;
  const ref = document?.schema?.ref;
  // Without a usable ref the loader's own validation names the problem.
  if (typeof ref !== 'string') return loadContract(path, dirname(path));
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ref))) return loadContract(path, dir);
    if (dirname(dir) === dir) throw new ContractSchemaNotFound(file, ref);
  }
}

/** Every contract of a repository root, by contract id. */
export async function contractsById(root: string): Promise<Map<string, LoadedContract>> {
  const byId = new Map<string, LoadedContract>();
  for (const file of await contractFiles(root)) {
    const loaded = loadContract(file, root);
    byId.set(loaded.contract.id, loaded);
  }
  return byId;
}
