import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { api, deleteTopics, readingSchema, uniqueSubject, uniqueTopic } from './registry.harness';

const brokers = inject('kafkaBrokers');
const repoRoot = join(import.meta.dirname, '../../..');
let child: ChildProcess | undefined;
const topic = uniqueTopic();

afterEach(async () => {
  if (child && child.exitCode === null && child.pid !== undefined) {
    // The whole group: tsx runs the registry in a node process of its own, which a kill of tsx alone leaves running.
    process.kill(-child.pid, 'SIGKILL');
    await once(child, 'exit');
  }
});

afterAll(async () => {
  await deleteTopics(brokers, [topic]);
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Runs main.ts the way the test stack and deploy/local do, on the node running this test. */
function spawnRegistry(env: Record<string, string>): { process: ChildProcess; output: () => string } {
  let output = '';
  const started = spawn(join(repoRoot, 'node_modules/.bin/tsx'), ['contracts/registry/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.stdout?.on('data', (chunk) => (output += chunk));
  started.stderr?.on('data', (chunk) => (output += chunk));
  return { process: started, output: () => output };
}

describe('contracts/registry/src/main.ts', () => {
  it('serves on the configured port, answers GET /subjects, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const started = spawnRegistry({ FIELDMESH_KAFKA_BROKERS: brokers, FIELDMESH_REGISTRY_PORT: String(port), FIELDMESH_REGISTRY_TOPIC: topic });
    child = started.process;
    const url = `http://127.0.0.1:${port}`;
    await expect.poll(async () => (await fetch(`${url}/subjects`).catch(() => undefined))?.status, { timeout: 60_000, interval: 250 }).toBe(200);
    const { body } = await api(url).register(uniqueSubject('main'), readingSchema());
    expect(body.id).toBe(1);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code, started.output()).toBe(0);
  });

  it('refuses to listen on every interface while open, naming the settings that fix it', async () => {
    const started = spawnRegistry({ FIELDMESH_KAFKA_BROKERS: brokers, FIELDMESH_REGISTRY_HOST: '0.0.0.0', FIELDMESH_REGISTRY_PORT: String(await freePort()) });
    child = started.process;
    const [code] = await once(child, 'exit');
    expect(code, started.output()).toBe(2);
    expect(started.output()).toContain('Refusing to listen on 0.0.0.0 without authentication');
    for (const setting of ['FIELDMESH_REGISTRY_TOKENS_FILE', 'FIELDMESH_REGISTRY_HOST', 'FIELDMESH_REGISTRY_ALLOW_UNAUTHENTICATED_NETWORK_BIND'])
      expect(started.output()).toContain(setting);
  });

  it('warns at start, naming the risk and the fix, when the refusal is opted out of', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface here: the start gets past the check and its warning, then
    // fails to listen, so the test exposes nothing to the network.
    const started = spawnRegistry({
      FIELDMESH_KAFKA_BROKERS: brokers,
      FIELDMESH_REGISTRY_TOPIC: topic,
      FIELDMESH_REGISTRY_HOST: '192.0.2.1',
      FIELDMESH_REGISTRY_ALLOW_UNAUTHENTICATED_NETWORK_BIND: 'true',
    });
    child = started.process;
    const [code] = await once(child, 'exit');
    expect(started.output()).toMatch(/WARN.*Listening on 192\.0\.2\.1 without authentication because allowUnauthenticatedNetworkBind/);
    expect(started.output()).toContain('Set governance.tokensFile (FIELDMESH_REGISTRY_TOKENS_FILE) to require tokens');
    expect(code).not.toBe(0);
    expect(started.output()).toContain('EADDRNOTAVAIL');
  });

  it('refuses to start without brokers and names the variable', async () => {
    const started = spawnRegistry({ FIELDMESH_KAFKA_BROKERS: '' });
    child = started.process;
    const [code] = await once(child, 'exit');
    expect(code).not.toBe(0);
    expect(started.output()).toContain('FIELDMESH_KAFKA_BROKERS');
  });
});
