import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli';

const dir = mkdtempSync(join(tmpdir(), 'fm-fleet-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd: dir }).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

describe('fieldmesh fleet', () => {
  it('lists rollout, status and rollback, and explains the rollout in --help', async () => {
    const group = await run(['fleet']);
    expect(group.out.split('\n').map((line) => line.split('  ')[0])).toEqual(['fieldmesh fleet rollout', 'fieldmesh fleet status', 'fieldmesh fleet rollback']);
    const help = await run(['fleet', 'rollout', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--canary <gateway>');
    expect(help.out).toContain('${gatewayId}');
  });

  it('refuses a rollout without a canary, with a gateway named twice, or without an operator key, before connecting anywhere', async () => {
    const file = join(dir, 'state.yaml');
    writeFileSync(file, 'connectors:\n  - name: plant-mqtt\n    type: mqtt\n    config: {}\n');
    expect(await run(['fleet', 'rollout', file])).toMatchObject({ code: 2, err: expect.stringContaining('--canary is required') });
    expect(await run(['fleet', 'rollout', file, '--canary', 'gw-1', '--waves', 'gw-2,gw-1'])).toMatchObject({ code: 2, err: expect.stringContaining('named twice') });
    expect(await run(['fleet', 'rollout', file, '--canary', 'gw-1'])).toMatchObject({ code: 2, err: expect.stringContaining('--key is required (or FIELDMESH_OPERATOR_KEY)') });
  });

  it('names what is wrong with a desired-state file', async () => {
    const file = join(dir, 'empty.yaml');
    writeFileSync(file, 'connectors: []\nextra: 1\n');
    const result = await run(['fleet', 'rollout', file, '--canary', 'gw-1']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('connectors: a desired state needs at least one connector');
    expect(result.err).toMatch(/extra/);
  });
});
