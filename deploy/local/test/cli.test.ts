import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@fieldmesh/testing';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const MAIN = join(REPO_ROOT, 'deploy', 'local', 'src', 'main.ts');
const stack = (...args: string[]) => run(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [MAIN, ...args], { cwd: REPO_ROOT });

describe('npm run stack', () => {
  it('status lists every running service with where it listens', async () => {
    const { stdout } = await stack('status', '--dir', inject('stackDir'));
    expect(stdout).toContain(`kafka ${inject('kafkaBrokers')} (SASL_SSL SCRAM-SHA-512, user ${inject('kafkaSaslUsername')}, CA ${inject('kafkaCaFile')})`);
    expect(stdout).toMatch(new RegExp(`^kafka\\s+kafka ${inject('kafkaBrokers')} \\(.*\\)\\s+running \\(pid \\d+\\)`, 'm'));
    expect(stdout).toMatch(new RegExp(`^mosquitto\\s+${inject('mqttUrl')}\\s+running`, 'm'));
    expect(stdout).toContain(`${inject('clickhouseUrl')} (user ${inject('clickhouseUser')}, password ${inject('clickhousePassword')})`);
    expect(stdout).toMatch(
      new RegExp(`^registry\\s+${inject('registryUrl')} \\(governed: export FIELDMESH_REGISTRY_TOKEN=\\$\\(cat \\S+/registry/service\\.token\\) .*\\)\\s+running`, 'm'),
    );
    // The token files' paths, never the tokens themselves.
    expect(stdout).not.toContain(inject('registryToken'));
    expect(stdout).not.toContain(inject('registryLeadToken'));
  });

  it('logs prints the end of one service log', async () => {
    const { stdout } = await stack('logs', 'mosquitto', '--lines', '3', '--dir', inject('stackDir'));
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(stdout).not.toContain('|');
  });

  it('says so when there is no stack, with exit code 1', async () => {
    const error = await stack('status', '--dir', join(REPO_ROOT, '.fieldmesh', 'no-such-stack')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 1, stderr: expect.stringContaining("Start one with 'npm run stack -- up'") });
  });
});
