import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BaselineRevisionUnknown } from './errors';

/** `--since` value that picks the newest release tag before HEAD, else the previous commit. */
export const LAST_RELEASE = 'last-release';
/** Release tags by default: `v1.2.0`, `v2.0.0-rc.1`, … (a `git tag --list` glob). */
export const DEFAULT_RELEASE_TAGS = 'v[0-9]*';

/** Where the contracts to compare with come from: a commit, or why there is none. */
export type Baseline = { found: true; commit: string; description: string; notes: string[] } | { found: false; reason: string };

interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** git itself could not be run (not installed). */
  missing?: boolean;
}

function git(root: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (error, stdout, stderr) => {
      const missing = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
      resolve({ ok: error === null, stdout, stderr, ...(missing ? { missing } : {}) });
    });
  });
}

async function gitOrThrow(root: string, args: string[]): Promise<string> {
  const result = await git(root, args);
  if (!result.ok) throw new Error(`git ${args.join(' ')} failed in ${root}: ${result.stderr.trim()}`);
  return result.stdout;
}

const commitOf = async (root: string, revision: string) => {
  const result = await git(root, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  return result.ok ? result.stdout.trim() : undefined;
};

const describeCommit = async (root: string, commit: string) => (await gitOrThrow(root, ['log', '-1', '--format=%h "%s"', commit])).trim();

const SHALLOW_FIX = "fetch the history (git fetch --unshallow, or 'fetch-depth: 0' for actions/checkout) to compare with it";

/**
 * The commit whose contracts `fieldmesh contracts check --since` compares with. `revision` is a git revision,
 * or LAST_RELEASE: the newest tag matching `releaseTags` among HEAD's ancestors (HEAD's own tags excluded, so
 * a release commit is checked against the release before it), else the previous commit, HEAD~1.
 * No history to compare with (not a repository, a shallow clone, the first commit) is `found: false` with the
 * reason; a revision named explicitly that a full history lacks is BaselineRevisionUnknown.
 */
export async function findBaseline(root: string, revision: string, releaseTags = DEFAULT_RELEASE_TAGS): Promise<Baseline> {
  const inside = await git(root, ['rev-parse', '--is-inside-work-tree']);
  if (inside.missing) return { found: false, reason: 'git is not installed, so the contracts of an earlier commit cannot be read' };
  if (!inside.ok || inside.stdout.trim() !== 'true') return { found: false, reason: `${root} is not inside a git work tree, so it has no earlier commit to compare with` };
  const head = await commitOf(root, 'HEAD');
  if (!head) return { found: false, reason: 'the repository has no commit yet' };
  const shallow = (await gitOrThrow(root, ['rev-parse', '--is-shallow-repository'])).trim() === 'true';

  if (revision !== LAST_RELEASE) {
    const commit = await commitOf(root, revision);
    if (commit) return { found: true, commit, description: `${revision} (${await describeCommit(root, commit)})`, notes: [] };
    if (shallow) return { found: false, reason: `${revision} is not in this shallow clone: ${SHALLOW_FIX}` };
    throw new BaselineRevisionUnknown(revision, root);
  }

  const tags = (await gitOrThrow(root, ['tag', '--list', releaseTags, '--merged', 'HEAD', '--no-contains', 'HEAD', '--sort=-version:refname'])).split('\n').filter(Boolean);
  const notes = shallow ? [`This is a shallow clone: release tags older than the fetched history are not seen (${SHALLOW_FIX}).`] : [];
  const tag = tags[0];
  if (tag) {
    const commit = (await commitOf(root, tag))!;
    return { found: true, commit, description: `the last release, tag ${tag} (${await describeCommit(root, commit)})`, notes };
  }
  const previous = await commitOf(root, 'HEAD~1');
  const noTag = `no tag matching '${releaseTags}' before HEAD`;
  if (previous) return { found: true, commit: previous, description: `the previous commit HEAD~1 (${await describeCommit(root, previous)}; ${noTag})`, notes };
  if (shallow) return { found: false, reason: `${noTag}, and HEAD~1 is not in this shallow clone: ${SHALLOW_FIX}` };
  return { found: false, reason: `${noTag}, and HEAD (${await describeCommit(root, head)}) is the first commit: there is no earlier version of the contracts` };
}

const CONTRACT_FILE = /^contracts\/[^/]+\/[^/]+\.yaml$/;

/**
 * Writes the contracts (`contracts/<domain>/<product>.yaml`) and `schemas/` of `commit` under `into`, as a
 * checkout of that commit would have them at `root`. Returns how many contracts were written (0 when the
 * commit predates them: every contract of the work tree is then a new product).
 */
export async function writeContractsAt(root: string, commit: string, into: string): Promise<number> {
  // Paths are relative to `root`, which may be a subfolder of the repository (pathspecs and `<commit>:./path` are).
  const listed = (await gitOrThrow(root, ['ls-tree', '-r', '-z', '--name-only', commit, '--', 'contracts', 'schemas'])).split('\0').filter(Boolean);
  const wanted = listed.filter((path) => CONTRACT_FILE.test(path) || path.startsWith('schemas/'));
  await mkdir(join(into, 'contracts'), { recursive: true });
  for (const path of wanted) {
    const text = await gitOrThrow(root, ['cat-file', 'blob', `${commit}:./${path}`]);
    await mkdir(dirname(join(into, path)), { recursive: true });
    await writeFile(join(into, path), text);
  }
  return wanted.filter((path) => CONTRACT_FILE.test(path)).length;
}
