import { resolve } from 'node:path';
import type { LoadedContract } from '@fieldmesh/governance';
import type { ProposalAnalysis } from '@fieldmesh/registry';
import { UsageError, type CliCommand } from '../cli.command';
import { analyseChange } from '../contract.change';
import { contractsById, loadContractFile } from '../contract.files';
import { rootOf } from '../connection.options';

interface Checked {
  contractId: string;
  /** The contract as it is now; undefined when it was removed. */
  next: LoadedContract | undefined;
  analysis: ProposalAnalysis | undefined;
  unchanged: boolean;
}

const sameVersion = (a: LoadedContract, b: LoadedContract) => JSON.stringify([a.contract, a.avroSchema]) === JSON.stringify([b.contract, b.avroSchema]);

/** Pairs each contract of `root` with the one of the same id in `base` (absent: a new product). */
async function pairsAgainstBase(root: string, base: string): Promise<Array<{ id: string; previous: LoadedContract | undefined; next: LoadedContract | undefined }>> {
  const [current, before] = await Promise.all([contractsById(root), contractsById(base)]);
  const ids = [...new Set([...before.keys(), ...current.keys()])].sort();
  return ids.map((id) => ({ id, previous: before.get(id), next: current.get(id) }));
}

function pairOfFiles([previousFile, nextFile]: [string, string]): Array<{ id: string; previous: LoadedContract; next: LoadedContract }> {
  const next = loadContractFile(nextFile);
  return [{ id: next.contract.id, previous: loadContractFile(previousFile), next }];
}

export const contractsCheckCommand: CliCommand = {
  group: 'contracts',
  verb: 'check',
  summary: 'fail (exit 1) on a breaking contract change under its compatibility mode, printing the changelog (for CI)',
  help: `Usage: fieldmesh contracts check <old.yaml> <new.yaml> [--json]
       fieldmesh contracts check --base <dir> [--root <dir>] [--json]

For CI: analyses a contract change as the registry will on 'fieldmesh contracts propose' and exits 1
when it is breaking under the NEW contract's compatibility mode (BACKWARD, FORWARD, FULL, their
_TRANSITIVE forms, NONE), printing the changelog: fields added/removed/changed, the verdict under every
mode, privacy, retention, SLO and metadata changes.

With --base, every contract under <root>/contracts/ is compared with the contract of the same id under
<dir>/contracts/ (e.g. a checkout of the target branch); contracts new in <root> are new products, and
contracts only in <dir> are reported as removed (retire a product through its lifecycle instead).
Only the base version is known locally, so transitive modes compare with it alone; the registry checks
every approved version when the change is proposed.

Examples:
  fieldmesh contracts check old/readings.yaml new/readings.yaml
  git worktree add /tmp/base origin/main && fieldmesh contracts check --base /tmp/base

Options:
  --base <dir>   compare the repository's contracts with those of <dir>
  --root <dir>   the repository to check with --base (default: the current directory)
  --json         print [{contractId, breaking, analysis}] instead of the changelog
  -h, --help     this text

Exit code 1 when a change is breaking, 0 otherwise. Needs no service.`,
  options: { base: { type: 'string' }, root: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 0, max: 2 },
  async run(args, io) {
    const base = typeof args.values.base === 'string' ? resolve(io.cwd, args.values.base) : undefined;
    if (base === undefined && args.positionals.length !== 2) throw new UsageError('give <old.yaml> <new.yaml>, or --base <dir> to compare every contract with another checkout');
    if (base !== undefined && args.positionals.length > 0) throw new UsageError('--base compares whole repositories: give no contract files with it');
    const pairs = base ? await pairsAgainstBase(rootOf(args, io), base) : pairOfFiles(args.positionals.map((file) => resolve(io.cwd, file)) as [string, string]);
    const checked: Checked[] = pairs.map(({ id, previous, next }) => ({
      contractId: id,
      next,
      unchanged: previous !== undefined && next !== undefined && sameVersion(previous, next),
      analysis: next ? analyseChange(previous, next) : undefined,
    }));
    const breaking = checked.filter((c) => c.analysis?.breaking);
    if (args.values.json) {
      io.out(
        JSON.stringify(
          checked.map((c) => ({ contractId: c.contractId, breaking: c.analysis?.breaking ?? false, removed: !c.next, analysis: c.analysis })),
          null,
          2,
        ),
      );
    } else {
      const sections = checked.map(({ contractId, next, analysis, unchanged }) => {
        if (!next || !analysis) return `${contractId}: removed (it is in the base but not here; retire a product through its lifecycle instead of deleting its contract)`;
        return unchanged ? `${contractId} ${next.contract.version}: unchanged` : analysis.changelog.join('\n');
      });
      io.out(sections.join('\n\n'));
      const names = breaking.map(({ contractId, next }) => `${contractId} ${next!.contract.version} (${next!.contract.compatibility})`);
      io.out(
        breaking.length > 0 ? `\nFAIL: breaking under the contract's compatibility mode: ${names.join(', ')}` : `\nOK: ${checked.length} contract(s) checked, no breaking change.`,
      );
    }
    return breaking.length > 0 ? 1 : 0;
  },
};
