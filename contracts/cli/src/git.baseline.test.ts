import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './cli';

// Each test makes its own repository from the `contracts check` fixtures (contracts/plant/readings.yaml and
// schemas/plant/Reading.avsc, FULL compatibility), commits versions of it and runs the command in process.
const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'check');
const CONTRACT = join('contracts', 'plant', 'readings.yaml');
const SCHEMA = join('schemas', 'plant', 'Reading.avsc');

const repos: string[] = [];
afterEach(() => {
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@fieldmesh.example', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@fieldmesh.example' };
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], { cwd: dir, env: GIT_ENV, encoding: 'utf8' });

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-since-'));
  repos.push(dir);
  return dir;
}

/** Puts the fixture checkout `version` (base, compatible, breaking) into the work tree. */
function put(dir: string, version: string): void {
  for (const path of [CONTRACT, SCHEMA]) cpSync(join(FIXTURES, version, path), join(dir, path));
}

function commit(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
}

/** A repository whose first commit is the approved version 1.0.0 of plant.readings. */
function repoWithBase(): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  cpSync(join(FIXTURES, 'base'), dir, { recursive: true });
  commit(dir, 'plant.readings 1.0.0');
  return dir;
}

/** The breaking change of the fixtures (status removed, value now a string), declared as a new major version. */
function putBreakingAsMajor(dir: string): void {
  put(dir, 'breaking');
  const path = join(dir, CONTRACT);
  writeFileSync(path, readFileSync(path, 'utf8').replace('version: 1.1.0', 'version: 2.0.0').replace('topic: plant.readings.v1', 'topic: plant.readings.v2'));
}

async function check(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['contracts', 'check', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, cwd: process.cwd() });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('fieldmesh contracts check --since', () => {
  it('fails a committed breaking change against the previous commit, naming the contract, the field and the way to declare it', async () => {
    const dir = repoWithBase();
    put(dir, 'breaking');
    commit(dir, 'plant.readings 1.1.0: status removed');
    const run = await check('--since', 'last-release', '--root', dir);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(
      /Comparing the contracts in .* with those of the previous commit HEAD~1 \([0-9a-f]+ "plant.readings 1.0.0"; no tag matching 'v\[0-9\]\*' before HEAD\)/,
    );
    expect(run.stdout).toContain('plant.readings 1.0.0 -> 1.1.0');
    expect(run.stdout).toContain("The field 'status' at path '/fields/3' in the old schema has no default value and is missing in the new schema");
    expect(run.stdout).toContain("FAIL: breaking under the contract's compatibility mode: plant.readings 1.1.0 (FULL)");
    expect(run.stdout).toContain('plant.readings: version 2.0.0 with topic plant.readings.v2');
  });

  it('fails an uncommitted breaking change in the work tree', async () => {
    const dir = repoWithBase();
    commit(dir, 'an unrelated commit');
    put(dir, 'breaking');
    const run = await check('--since', 'last-release', '--root', dir);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain("The field 'status'");
  });

  it('passes the same break declared as a new major version on a new topic', async () => {
    const dir = repoWithBase();
    putBreakingAsMajor(dir);
    commit(dir, 'plant.readings 2.0.0');
    const run = await check('--since', 'last-release', '--root', dir);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('plant.readings 1.0.0 -> 2.0.0');
    expect(run.stdout).toContain('New topic plant.readings.v2 (was plant.readings.v1)');
    expect(run.stdout).toContain('OK: 1 contract(s) checked, no breaking change.');
  });

  it('passes a compatible change (an optional field with a default)', async () => {
    const dir = repoWithBase();
    put(dir, 'compatible');
    commit(dir, 'plant.readings 1.1.0: quality');
    const run = await check('--since', 'last-release', '--root', dir);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain("Compatible under FULL (the contract's compatibility mode)");
  });

  it('compares with the last release tag rather than the previous commit, and not with a tag on HEAD itself', async () => {
    const dir = repoWithBase();
    git(dir, 'tag', 'v1.0.0');
    put(dir, 'breaking');
    commit(dir, 'plant.readings 1.1.0: status removed');
    writeFileSync(join(dir, 'README.md'), 'unrelated\n');
    commit(dir, 'readme');
    git(dir, 'tag', 'v1.1.0');
    // HEAD~1 has the same contracts as HEAD: only the release before HEAD shows the break.
    const release = await check('--since', 'last-release', '--root', dir);
    expect(release.code, release.stderr).toBe(1);
    expect(release.stdout).toMatch(/with those of the last release, tag v1\.0\.0 \([0-9a-f]+ "plant.readings 1.0.0"\)/);
    expect(release.stdout).toContain("The field 'status'");
    const previous = await check('--since', 'HEAD~1', '--root', dir);
    expect(previous.code, previous.stdout).toBe(0);
    expect(previous.stdout).toContain('plant.readings 1.1.0: unchanged');
    // Tags that are not releases are ignored.
    const other = await check('--since', 'last-release', '--release-tags', 'release-*', '--root', dir);
    expect(other.code, other.stdout).toBe(0);
    expect(other.stdout).toContain("no tag matching 'release-*' before HEAD");
  });

  it('reads the baseline of a project that is a subfolder of its repository', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q', '-b', 'main');
    const project = join(dir, 'plant');
    cpSync(join(FIXTURES, 'base'), project, { recursive: true });
    commit(dir, 'plant.readings 1.0.0');
    put(project, 'breaking');
    // The work tree against HEAD: what a developer runs before committing.
    const run = await check('--since', 'HEAD', '--root', project);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('1 contract(s) there');
    expect(run.stdout).toContain("The field 'status'");
  });

  it('treats a contract missing at the baseline as a new product', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'README.md'), 'before contracts\n');
    commit(dir, 'first');
    cpSync(join(FIXTURES, 'base'), dir, { recursive: true });
    commit(dir, 'plant.readings 1.0.0');
    const run = await check('--since', 'last-release', '--root', dir);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('0 contract(s) there');
    expect(run.stdout).toContain('plant.readings 1.0.0: new data product');
  });

  it('skips with the reason, never silently, when there is no history: first commit, shallow clone, no repository', async () => {
    const first = repoWithBase();
    const alone = await check('--since', 'last-release', '--root', first);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(
      /^SKIPPED: no earlier contracts to compare with: no tag matching 'v\[0-9\]\*' before HEAD, and HEAD \([0-9a-f]+ "plant.readings 1.0.0"\) is the first commit/,
    );

    put(first, 'breaking');
    commit(first, 'plant.readings 1.1.0');
    const shallow = join(tempDir(), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${first}`, shallow], { env: GIT_ENV });
    const cut = await check('--since', 'last-release', '--root', shallow);
    expect(cut.code).toBe(0);
    expect(cut.stdout).toContain('SKIPPED: no earlier contracts to compare with:');
    expect(cut.stdout).toContain('HEAD~1 is not in this shallow clone: fetch the history (git fetch --unshallow');
    const named = await check('--since', 'HEAD~1', '--root', shallow, '--json');
    expect(named.code).toBe(0);
    expect(named.stdout).toBe('[]');
    expect(named.stderr).toContain('SKIPPED: no earlier contracts to compare with: HEAD~1 is not in this shallow clone');

    const plain = tempDir();
    cpSync(join(FIXTURES, 'base'), plain, { recursive: true });
    const none = await check('--since', 'last-release', '--root', plain);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('is not inside a git work tree, so it has no earlier commit to compare with');
  });

  it('refuses a revision the full history does not have, and conflicting options', async () => {
    const dir = repoWithBase();
    const unknown = await check('--since', 'no-such-branch', '--root', dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("'no-such-branch' is not a commit of the repository");
    const both = await check('--since', 'last-release', '--base', dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--base and --since exclude each other');
    const tags = await check('--since', 'HEAD~1', '--release-tags', 'v*');
    expect(tags.code).toBe(2);
  });

  it('names the baseline contract that does not load, rather than comparing without it', async () => {
    const dir = repoWithBase();
    const path = join(dir, CONTRACT);
    writeFileSync(path, readFileSync(path, 'utf8').replace('topic: plant.readings.v1', 'topic: plant.readings.v9'));
    commit(dir, 'a contract the loader refuses');
    put(dir, 'base');
    commit(dir, 'fixed');
    const run = await check('--since', 'last-release', '--root', dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('The contracts of the previous commit HEAD~1');
    expect(run.stderr).toMatch(/[0-9a-f]{12}:contracts\/plant\/readings\.yaml\n.*kafka\.topic: topic must end with \.v1/);
  });
});
