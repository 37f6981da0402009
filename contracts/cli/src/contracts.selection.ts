import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadContract, type LoadedContract } from '@fieldmesh/governance';
import type { CliIo, ParsedArgs } from './cli.command';
import { rootOf } from './connection.options';

/** Every `contracts/<domain>/<product>.yaml` under the root (service folders such as registry/ hold none). */
export async function contractFiles(root: string): Promise<string[]> {
  const base = join(root, 'contracts');
  const files: string[] = [];
  for (const domain of (await readdir(base, { withFileTypes: true })).filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    for (const entry of (await readdir(join(base, domain.name), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isFile() && entry.name.endsWith('.yaml')) files.push(join(base, domain.name, entry.name));
    }
  }
  return files;
}

/** The contracts named by --contract (repeatable), or all of them; throws ContractInvalid on a bad one. */
export async function selectedContracts(args: ParsedArgs, io: CliIo): Promise<LoadedContract[]> {
  const root = rootOf(args, io);
  const named = (args.values.contract as string[] | undefined) ?? [];
  const files = named.length > 0 ? named.map((file) => resolve(io.cwd, file)) : await contractFiles(root);
  return files.map((file) => loadContract(file, root));
}
