import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSpa } from './spa.static';

@Module({})
class EmptyModule {}

const INDEX = '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>';
const SCRIPT = 'console.log("console");';

describe('the console UI served from a checkout under a hidden folder (~/.cache/…)', () => {
  let home: string;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'console-spa-'));
    // Express refuses dot segments anywhere in sendFile's absolute path; this one has two.
    const dist = join(home, '.cache', 'fieldmesh', '.worktree', 'deploy', 'console', 'web', 'dist');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(join(dist, 'index.html'), INDEX);
    await writeFile(join(dist, 'assets', 'index-abc123.js'), SCRIPT);
    await writeFile(join(dist, '.env'), 'SECRET=1');
    app = await NestFactory.create<NestExpressApplication>(EmptyModule, new ExpressAdapter(), { logger: false });
    app.setGlobalPrefix('api');
    serveSpa(app, dist);
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await rm(home, { recursive: true, force: true });
  });

  it.each(['/', '/catalog/plant-telemetry.clean', '/alerts/a-1'])('answers the page %s with index.html', async (path) => {
    const response = await fetch(`${url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toBe(INDEX);
  });

  it('serves the hashed assets, cached for a year', async () => {
    const response = await fetch(`${url}/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toBe(SCRIPT);
  });

  it('never serves a dotfile inside dist, and leaves /api to the API', async () => {
    expect(await (await fetch(`${url}/.env`)).text()).toBe(INDEX);
    const api = await fetch(`${url}/api/nothing`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
  });
});
