import { afterEach, describe, expect, it } from 'vitest';
import { MetricsPortInUse } from './errors';
import { type HealthReport, type ObservabilityServer, startObservabilityServer } from './observability.server';

const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';

describe('observability server', () => {
  const servers: ObservabilityServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  const start = async (metrics: () => Promise<string>, health: () => HealthReport = () => ({ status: 'ok' }), port = 0) => {
    const server = await startObservabilityServer('127.0.0.1', port, { contentType: EXPOSITION, metrics }, health);
    servers.push(server);
    return server;
  };

  it('serves the metrics text on a free port when asked for port 0', async () => {
    const server = await start(async () => 'fieldmesh_up 1\n');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(EXPOSITION);
    expect(await response.text()).toBe('fieldmesh_up 1\n');
  });

  it('answers /health with the report, 503 while degraded', async () => {
    let status: HealthReport['status'] = 'ok';
    const server = await start(
      async () => '',
      () => ({ status, uplink: status === 'ok' }),
    );
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok', uplink: true });
    status = 'degraded';
    const degraded = await fetch(`${server.url}/health`);
    expect(degraded.status).toBe(503);
    expect(await degraded.json()).toEqual({ status: 'degraded', uplink: false });
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
  });

  it('answers a failed scrape with 500 and its reason, and keeps serving', async () => {
    let fail = true;
    const server = await start(async () => {
      if (fail) throw new Error('a counter went backwards');
      return 'fieldmesh_up 1\n';
    });
    const failed = await fetch(`${server.url}/metrics`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toContain('a counter went backwards');
    fail = false;
    expect(await (await fetch(`${server.url}/metrics`)).text()).toBe('fieldmesh_up 1\n');
  });

  it('names the port when it is taken, so the operator can choose another', async () => {
    const taken = await start(async () => '');
    const port = Number(new URL(taken.url).port);
    const error = await start(async () => '', undefined, port).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MetricsPortInUse);
    expect((error as Error).message).toContain(`Port ${port} on 127.0.0.1 is in use`);
  });
});
