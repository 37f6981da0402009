import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceStartError } from './errors';
import { launch, stopProcess } from './process.supervisor';
import { waitUntilReady } from './readiness';
import type { ServiceContext, ServiceDefinition } from './service';

const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-readiness-'));

function definition(probe: () => Promise<void>, readyTimeoutMs = 10_000): ServiceDefinition {
  return {
    name: 'mosquitto',
    portNames: [],
    createSecrets: () => ({}),
    dependsOn: [],
    readyTimeoutMs,
    install: async () => undefined,
    prepare: async () => ({ command: 'true', args: [], cwd: dir }),
    probe,
    addresses: () => ({}),
  };
}

function context(logFile: string): ServiceContext {
  return { dir, stackDir: dir, logFile, cacheDir: dir, repoRoot: dir, settings: { ports: {}, secrets: {} }, addresses: {} };
}

describe('readiness', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails at once, naming the service, when its process exits, with the last lines of its log', async () => {
    const logFile = join(dir, 'crash.log');
    const launched = await launch({ command: 'sh', args: ['-c', 'echo "Error: address already in use"; sleep 0.3; exit 3'], cwd: dir, logFile });
    const error = await waitUntilReady(
      definition(() => Promise.reject(new Error('connection refused'))),
      context(logFile),
      launched,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceStartError);
    expect((error as ServiceStartError).service).toBe('mosquitto');
    expect((error as Error).message).toMatch(/^mosquitto did not start: the process exited \(code 3/);
    expect((error as Error).message).toContain('Error: address already in use');
  });

  it('gives up after the timeout with the last probe failure', async () => {
    const logFile = join(dir, 'hang.log');
    const launched = await launch({ command: 'sleep', args: ['30'], cwd: dir, logFile });
    try {
      const error = await waitUntilReady(
        definition(() => Promise.reject(new Error('no CONNACK')), 600),
        context(logFile),
        launched,
      ).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/not ready after 0.6 s \(last probe: no CONNACK\)/);
    } finally {
      await stopProcess(launched.ref);
    }
  });

  it('returns once the probe answers', async () => {
    const logFile = join(dir, 'ok.log');
    const launched = await launch({ command: 'sleep', args: ['30'], cwd: dir, logFile });
    let attempts = 0;
    try {
      await waitUntilReady(
        definition(async () => {
          if (++attempts < 3) throw new Error('not yet');
        }),
        context(logFile),
        launched,
      );
      expect(attempts).toBe(3);
    } finally {
      await stopProcess(launched.ref);
    }
  });
});
