import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '@fieldmesh/auth';
import { createKafka } from '@fieldmesh/kafka';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildConsoleWeb, type RunningConsole, startConsole } from '../src/index';

const runId = randomBytes(4).toString('hex');
const brokers = inject('kafkaBrokers');
const topics = { alerts: `asset-health.alerts.v1.web-${runId}`, slo: `_fieldmesh.slo.web-${runId}`, lineage: `_fieldmesh.lineage.web-${runId}` };

let home: string;
let running: RunningConsole;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'fm-console-web-'));
  // A fresh clone under ~/.cache: the checkout's UI, built, in a path with a hidden folder.
  const webRoot = join(home, '.cache', 'fieldmesh', 'deploy', 'console', 'web');
  const { dist } = await buildConsoleWeb({ cacheDir: join(home, 'vite-cache') });
  await cp(dist, join(webRoot, 'dist'), { recursive: true });
  const tokensFile = join(home, 'tokens.json');
  const store = await TokenStore.open(tokensFile);
  await store.issue({ name: 'anna-analyst', role: 'analyst', domains: ['*'] });
  running = await startConsole({
    port: 0,
    host: '127.0.0.1',
    kafkaBrokers: brokers,
    registryUrl: inject('registryUrl'),
    tokensFile,
    contractsRoot: REPO_ROOT,
    stateDir: join(home, 'state'),
    topics,
    web: { root: webRoot, build: 'never' },
  });
});

afterAll(async () => {
  await running?.close();
  if (home) await rm(home, { recursive: true, force: true });
  const admin = createKafka({ clientId: 'console-web-test', brokers: [brokers] }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ours = Object.values(topics).filter((topic) => existing.has(topic));
    if (ours.length > 0) await admin.deleteTopics(ours);
  } finally {
    await admin.disconnect();
  }
});

describe('the console in a checkout under a hidden folder', () => {
  it('serves every page and the scripts the page loads', async () => {
    const pages = await Promise.all(['/', '/catalog', '/alerts', '/reviews'].map(async (path) => ({ path, response: await fetch(`${running.url}${path}`) })));
    const html = await Promise.all(pages.map(async ({ path, response }) => ({ path, status: response.status, text: await response.text() })));
    expect(html.map(({ path, status }) => ({ path, status }))).toEqual(pages.map(({ path }) => ({ path, status: 200 })));
    const scripts = [...html[0]!.text.matchAll(/<script[^>]+src="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const response = await fetch(new URL(script, running.url));
      expect(response.status, script).toBe(200);
      expect(response.headers.get('content-type')).toContain('javascript');
    }
  });
});
