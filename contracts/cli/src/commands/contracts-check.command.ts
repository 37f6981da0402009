import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { formatProblems } from '@fieldmesh/config';
import { ContractInvalid, type LoadedContract } from '@fieldmesh/governance';
import type { ProposalAnalysis } from '@fieldmesh/registry';
import { UsageError, type CliCommand, type CliIo } from '../cli.command';
import { analyseChange } from '../contract.change';
import { contractsById, loadContractFile } from '../contract.files';
import { rootOf } from '../connection.options';
import { BaselineContractInvalid } from '../errors';
import { DEFAULT_RELEASE_TAGS, findBaseline, LAST_RELEASE, writeContractsAt } from '../git.baseline';

interface Checked {
  contractId: string;
  /** The contract as it is now; undefined when it was removed. */
  next: LoadedContract | undefined;
  analysis: ProposalAnalysis | undefined;
  unchanged: boolean;
}

const sameVersion = (a: LoadedContract, b: LoadedContract) => JSON.stringify([a.contract, a.avroSchema]) === JSON.stringify([b.contract, b.avroSchema]);

type Pair = { id: string; previous: LoadedContract | undefined; next: LoadedContract | undefined };

/** Pairs each contract of `root` with the one of the same id in `base` (absent: a new product). */
async function pairsAgainstBase(root: string, base: string, loadBase = contractsById): Promise<Pair[]> {
  const [current, before] = await Promise.all([contractsById(root), loadBase(base)]);
  const ids = [...new Set([...before.keys(), ...current.keys()])].sort();
  return ids.map((id) => ({ id, previous: before.get(id), next: current.get(id) }));
}

/**
 * Pairs the work tree's contracts with those of a git revision (see findBaseline), written to a temporary
 * folder and removed after. Undefined when there is no history to compare with: the reason is printed.
 */
async function pairsSinceRevision(root: string, revision: string, releaseTags: string, json: boolean, io: CliIo): Promise<Pair[] | undefined> {
  const baseline = await findBaseline(root, revision, releaseTags);
  // With --json stdout is the results alone; what was compared (or why nothing was) goes to stderr.
  const say = (text: string) => (json ? io.err(text) : io.out(text));
  if (!baseline.found) {
    say(`SKIPPED: no earlier contracts to compare with: ${baseline.reason}.`);
    return undefined;
  }
  const dir = await mkdtemp(join(tmpdir(), 'fieldmesh-contracts-baseline-'));
  try {
    const count = await writeContractsAt(root, baseline.commit, dir);
    say([`Comparing the contracts in ${root} with those of ${baseline.description}: ${count} contract(s) there.`, ...baseline.notes].join('\n') + '\n');
    return await pairsAgainstBase(root, dir, async (base) => {
      try {
        return await contractsById(base);
      } catch (error) {
        if (!(error instanceof ContractInvalid)) throw error;
        throw new BaselineContractInvalid(baseline.description, `${baseline.commit.slice(0, 12)}:${relative(base, error.file)}\n${formatProblems(error.problems)}`, {
          cause: error,
        });
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** How to make an intended break: the next major version, which the loader ties to a new topic. */
function majorBumpHint(contract: LoadedContract['contract']): string {
  const major = Number(contract.version.split('.')[0]) + 1;
  return `${contract.id}: version ${major}.0.0 with topic ${contract.kafka.topic.replace(/\.v\d+$/, `.v${major}`)}`;
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
       fieldmesh contracts check --since <revision>|last-release [--release-tags <glob>] [--root <dir>] [--json]

For CI: analyses a contract change as the registry will on 'fieldmesh contracts propose' and exits 1
when it is breaking under the NEW contract's compatibility mode (BACKWARD, FORWARD, FULL, their
_TRANSITIVE forms, NONE), printing the changelog: fields added/removed/changed, the verdict under every
mode, privacy, retention, SLO and metadata changes.

With --base, every contract under <root>/contracts/ is compared with the contract of the same id under
<dir>/contracts/ (e.g. a checkout of the target branch); contracts new in <root> are new products, and
contracts only in <dir> are reported as removed (retire a product through its lifecycle instead).
Only the base version is known locally, so transitive modes compare with it alone; the registry checks
every approved version when the change is proposed.

With --since, the base is the contracts and schemas of a git revision of <root>'s repository (read with
git, no checkout needed). 'last-release' (what CI runs) is the newest tag matching --release-tags among
HEAD's ancestors, HEAD's own tags excluded, else the previous commit HEAD~1. The work tree (uncommitted
changes included) is compared with it. Without such history (not a git work tree, a shallow clone, the
first commit) it prints 'SKIPPED:' with the reason and exits 0; a revision named explicitly that a full
history lacks is an error (exit 1).

A break that is intended is declared by a new major version: version <major+1>.0.0 on topic
<domain>.<product>.v<major+1> (the contract loader ties the two). That is a new topic and subject, so it is
checked against no version of the old one; consumers move to it.

Examples:
  fieldmesh contracts check old/readings.yaml new/readings.yaml
  fieldmesh contracts check --since last-release
  fieldmesh contracts check --since origin/main
  git worktree add /tmp/base origin/main && fieldmesh contracts check --base /tmp/base

Options:
  --base <dir>            compare the repository's contracts with those of <dir>
  --since <revision>      compare with the contracts of a git revision, or 'last-release'
  --release-tags <glob>   which tags are releases for 'last-release' (default: '${DEFAULT_RELEASE_TAGS}')
  --root <dir>            the repository to check (default: the current directory)
  --json                  print [{contractId, breaking, analysis}] instead of the changelog
  -h, --help              this text

Exit code 1 when a change is breaking, 0 otherwise (and when skipped). Needs no service.`,
  options: {
    base: { type: 'string' },
    since: { type: 'string' },
    'release-tags': { type: 'string' },
    root: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: { min: 0, max: 2 },
  async run(args, io) {
    const base = typeof args.values.base === 'string' ? resolve(io.cwd, args.values.base) : undefined;
    const since = typeof args.values.since === 'string' ? args.values.since : undefined;
    const releaseTags = typeof args.values['release-tags'] === 'string' ? args.values['release-tags'] : undefined;
    if (base !== undefined && since !== undefined) throw new UsageError('--base and --since exclude each other: compare with a checkout or with a git revision');
    if (releaseTags !== undefined && since !== LAST_RELEASE) throw new UsageError(`--release-tags applies to --since ${LAST_RELEASE} only`);
    const whole = base ?? since;
    if (whole === undefined && args.positionals.length !== 2)
      throw new UsageError('give <old.yaml> <new.yaml>, or --base <dir> / --since <revision> to compare every contract with another version of the repository');
    if (whole !== undefined && args.positionals.length > 0) throw new UsageError(`${base ? '--base' : '--since'} compares whole repositories: give no contract files with it`);
    const pairs =
      since !== undefined
        ? await pairsSinceRevision(rootOf(args, io), since, releaseTags ?? DEFAULT_RELEASE_TAGS, args.values.json === true, io)
        : base
          ? await pairsAgainstBase(rootOf(args, io), base)
          : pairOfFiles(args.positionals.map((file) => resolve(io.cwd, file)) as [string, string]);
    if (pairs === undefined) {
      if (args.values.json) io.out('[]');
      return 0;
    }
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
      if (breaking.length > 0) {
        io.out(
          `Make the change compatible, or, if the break is intended, declare it with a new major version (a new topic and subject that consumers move to):\n${breaking.map(({ next }) => `  ${majorBumpHint(next!.contract)}`).join('\n')}`,
        );
      }
    }
    return breaking.length > 0 ? 1 : 0;
  },
};
