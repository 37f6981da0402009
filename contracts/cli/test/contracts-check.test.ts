import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@fieldmesh/testing';
import { describe, expect, it } from 'vitest';

const BIN = join(REPO_ROOT, 'node_modules', '.bin', 'fieldmesh');
const FIXTURES = join(REPO_ROOT, 'contracts', 'cli', 'test', 'fixtures', 'check');
const contractIn = (checkout: string) => join(FIXTURES, checkout, 'contracts', 'plant', 'readings.yaml');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the installed `fieldmesh` bin as CI would: no service, no environment beyond the process's. */
async function fieldmesh(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(BIN, args, { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('fieldmesh contracts check', () => {
  it('fails with exit 1 on a breaking change and the changelog names the fields', async () => {
    const run = await fieldmesh('contracts', 'check', contractIn('base'), contractIn('breaking'));
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain("BREAKING under FULL (the contract's compatibility mode):");
    expect(run.stdout).toContain("The field 'status' at path '/fields/3' in the old schema has no default value and is missing in the new schema");
    expect(run.stdout).toContain('~ field value: type double -> string');
    expect(run.stdout).toContain('- field status: enum Status {OK, SUSPECT}');
    expect(run.stdout).toContain("FAIL: breaking under the contract's compatibility mode: plant.readings 1.1.0 (FULL)");
  });

  it('passes with exit 0 on a new optional field with a default', async () => {
    const run = await fieldmesh('contracts', 'check', contractIn('base'), contractIn('compatible'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Compatible under FULL (the contract's compatibility mode)");
    expect(run.stdout).toContain('+ field quality: null | double = null');
    expect(run.stdout).toContain('OK: 1 contract(s) checked, no breaking change.');
  });

  it('compares a whole checkout with a base checkout by contract id', async () => {
    const breaking = await fieldmesh('contracts', 'check', '--base', join(FIXTURES, 'base'), '--root', join(FIXTURES, 'breaking'), '--json');
    expect(breaking.code, breaking.stderr).toBe(1);
    const [result] = JSON.parse(breaking.stdout) as Array<{ contractId: string; breaking: boolean; analysis: { compatibility: Record<string, { compatible: boolean }> } }>;
    expect(result).toMatchObject({ contractId: 'plant.readings', breaking: true });
    expect(result!.analysis.compatibility.NONE?.compatible).toBe(true);
    const unchanged = await fieldmesh('contracts', 'check', '--base', join(FIXTURES, 'base'), '--root', join(FIXTURES, 'base'));
    expect(unchanged.code, unchanged.stderr).toBe(0);
    expect(unchanged.stdout).toContain('plant.readings 1.0.0: unchanged');
  });

  it('passes on the repository against itself', async () => {
    const run = await fieldmesh('contracts', 'check', '--base', REPO_ROOT);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('asset-health.anomaly-scores 1.0.0: unchanged');
  });

  // The CI gate: this repository's contracts against those of its last release (a v* tag), else of the
  // previous commit, so a breaking contract change fails `npm test` unless it is a new major version.
  it('passes on the repository against its last release or previous commit', async () => {
    const run = await fieldmesh('contracts', 'check', '--since', 'last-release');
    // A clone without that history (shallow) cannot be checked: the CLI says so and how to fetch it.
    expect(run.stdout, 'the check was skipped, so nothing was compared').not.toContain('SKIPPED');
    expect(run.stdout).toMatch(/^Comparing the contracts in .* with those of (the last release, tag v\S+|the previous commit HEAD~1) \([0-9a-f]+ /);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/OK: \d+ contract\(s\) checked, no breaking change\./);
  });

  it('explains its usage and refuses a wrong command line with exit 2', async () => {
    const help = await fieldmesh('contracts', 'check', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: fieldmesh contracts check <old.yaml> <new.yaml>');
    expect(help.stdout).toContain('Examples:');
    const wrong = await fieldmesh('contracts', 'check', contractIn('base'));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('give <old.yaml> <new.yaml>, or --base <dir> / --since <revision>');
  });
});
