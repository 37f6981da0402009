import { describe, expect, it } from 'vitest';
import { CLI_COMMANDS, runCli } from './cli';
import { formatTable } from './table.format';

function io(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env, cwd: process.cwd() } };
}

describe('fieldmesh command line', () => {
  it('prints the usage and exits 2 without a command', async () => {
    const { out, io: cli } = io();
    expect(await runCli([], cli)).toBe(2);
    expect(out.join('\n')).toContain('Usage: fieldmesh <command>');
  });

  it('lists a group’s commands when the verb is missing', async () => {
    const { out, io: cli } = io();
    expect(await runCli(['lineage'], cli)).toBe(2);
    expect(out).toEqual(['fieldmesh lineage show  the lineage of a data product or a column, upstream and/or downstream']);
  });

  it('refuses a wrong number of arguments and conflicting flags with exit code 2', async () => {
    const missing = io();
    expect(await runCli(['lineage', 'show'], missing.io)).toBe(2);
    expect(missing.err.join('\n')).toContain("'fieldmesh lineage show' takes 1 argument(s), got 0");
    const both = io({ FIELDMESH_KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(await runCli(['lineage', 'show', 'x.v1', '--upstream', '--downstream'], both.io)).toBe(2);
    expect(both.err.join('\n')).toContain('--upstream and --downstream exclude each other');
  });

  it('names a malformed broker list before connecting anywhere', async () => {
    const { err, io: cli } = io();
    expect(await runCli(['lineage', 'show', 'x.v1', '--brokers', 'localhost'], cli)).toBe(2);
    expect(err.join('\n')).toContain('brokers.0: must be host:port');
  });
});

describe('governance commands', () => {
  const governance = CLI_COMMANDS.filter((c) => c.group === 'tokens' || (c.group === 'contracts' && c.verb !== 'lint'));

  it('are all there: diff, check, propose, review, approve, reject, status, deprecate, retire, baseline, asyncapi, tokens', () => {
    expect(governance.map((c) => `${c.group} ${c.verb}`)).toEqual([
      'contracts diff',
      'contracts check',
      'contracts propose',
      'contracts review',
      'contracts approve',
      'contracts reject',
      'contracts status',
      'contracts deprecate',
      'contracts retire',
      'contracts baseline',
      'contracts asyncapi',
      'tokens create',
      'tokens list',
      'tokens rotate',
    ]);
  });

  it.each(governance.map((c) => [`${c.group} ${c.verb}`, c] as const))('%s --help shows its usage and an example', async (name, command) => {
    const { out, io: cli } = io();
    expect(await runCli([command.group, command.verb, '--help'], cli)).toBe(0);
    expect(out.join('\n')).toContain(`Usage: fieldmesh ${name}`);
    expect(out.join('\n')).toMatch(/Examples?:\n {2}\S/);
  });
});

describe('formatTable', () => {
  it('aligns columns under the header without trailing spaces', () => {
    expect(
      formatTable(
        ['A', 'LONGER'],
        [
          ['xyz', '1'],
          ['q', '22'],
        ],
      ).split('\n'),
    ).toEqual(['A    LONGER', 'xyz  1', 'q    22']);
  });
});
