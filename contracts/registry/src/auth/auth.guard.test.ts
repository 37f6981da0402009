import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Principal, TokenStore } from '@fieldmesh/auth';
import { Body, Controller, Get, type INestApplication, Module, Param, Post, Put } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryErrorFilter } from '../http/registry-error.filter';
import { CurrentPrincipal, RequiresAction } from './auth.decorators';
import { RegistryAuthGuard } from './auth.guard';
import { RegistryAuth } from './registry.auth';

// A stand-in for the registry's controllers: one route per way of naming the domain.
@Controller()
class ProbeController {
  @Get('subjects/:subject/versions')
  versions(@CurrentPrincipal() principal: Principal | undefined) {
    return { principal: principal ?? null };
  }

  @Post('subjects/:subject/versions')
  @RequiresAction('schema:register', { domainFrom: 'subject' })
  register(@Param('subject') subject: string, @CurrentPrincipal() principal: Principal | undefined) {
    return { subject, by: principal?.name ?? null };
  }

  @Put('config')
  @RequiresAction('config:write')
  writeConfig() {
    return { ok: true };
  }

  @Post('contracts/proposals')
  @RequiresAction('contract:propose', { domainFrom: 'contract' })
  propose(@Body() body: { contract: { id: string } }, @CurrentPrincipal() principal: Principal | undefined) {
    return { contractId: body.contract.id, by: principal?.name ?? null };
  }

  @Post('contracts/:id/versions/:version/deprecate')
  @RequiresAction('contract:deprecate', { domainFrom: (request) => ({ domain: request.params?.id?.split('.')[0], resource: `contract ${request.params?.id}` }) })
  deprecate() {
    return { ok: true };
  }
}

async function start(auth: RegistryAuth): Promise<{ url: string; app: INestApplication }> {
  @Module({
    controllers: [ProbeController],
    providers: [
      { provide: RegistryAuth, useValue: auth },
      { provide: APP_GUARD, useClass: RegistryAuthGuard },
    ],
  })
  class ProbeModule {}
  const app = await NestFactory.create(ProbeModule, new ExpressAdapter(), { logger: false });
  app.useGlobalFilters(new RegistryErrorFilter());
  await app.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`, app };
}

async function call(url: string, method: string, path: string, options: { token?: string; authorization?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const authorization = options.authorization ?? (options.token ? `Bearer ${options.token}` : undefined);
  if (authorization) headers.authorization = authorization;
  const response = await fetch(`${url}${path}`, { method, headers, body: options.body === undefined ? null : JSON.stringify(options.body) });
  return { status: response.status, body: await response.json() };
}

const proposal = (domain: string) => ({ contract: { id: `${domain}.scores`, domain } });

describe('registry auth guard, governed', () => {
  let directory: string;
  let server: { url: string; app: INestApplication };
  let owner: string;
  let lead: string;
  let analyst: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fieldmesh-registry-auth-'));
    const file = join(directory, 'tokens.json');
    server = await start(await RegistryAuth.governed(file));
    // Issued through a second store, as the CLI does while the registry runs.
    const cli = await TokenStore.open(file);
    owner = (await cli.issue({ name: 'ada', role: 'domain-owner', domains: ['asset-health'] })).token;
    lead = (await cli.issue({ name: 'lin', role: 'governance-lead', domains: ['*'] })).token;
    analyst = (await cli.issue({ name: 'ann', role: 'analyst', domains: ['*'] })).token;
  });
  afterAll(async () => {
    await server.app.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('lets anonymous reads through', async () => {
    expect(await call(server.url, 'GET', '/subjects/energy.x.v1-value/versions')).toEqual({ status: 200, body: { principal: null } });
  });

  it('answers 401 / 40101 without a token or with an unknown one', async () => {
    const missing = await call(server.url, 'POST', '/subjects/asset-health.scores.v1-value/versions', { body: {} });
    expect(missing).toEqual({ status: 401, body: { error_code: 40101, message: expect.stringMatching(/^Unauthorized: operation schema:register needs a token/) } });
    const unknown = await call(server.url, 'POST', '/subjects/asset-health.scores.v1-value/versions', { token: `${owner.slice(0, -2)}zz`, body: {} });
    expect(unknown).toEqual({ status: 401, body: { error_code: 40101, message: expect.stringMatching(/^Unauthorized: the token is malformed, unknown or revoked/) } });
  });

  it('hands the verified principal to the handler, for Bearer and Basic auth', async () => {
    expect(await call(server.url, 'POST', '/subjects/asset-health.scores.v1-value/versions', { token: owner, body: {} })).toEqual({
      status: 201,
      body: { subject: 'asset-health.scores.v1-value', by: 'ada' },
    });
    const basic = `Basic ${Buffer.from(`registry-client:${owner}`).toString('base64')}`;
    expect((await call(server.url, 'POST', '/subjects/asset-health.scores.v1-value/versions', { authorization: basic, body: {} })).status).toBe(201);
  });

  it('answers 403 / 40301 naming user, role, operation and subject for another domain', async () => {
    expect(await call(server.url, 'POST', '/subjects/energy.consumption-15m.v1-value/versions', { token: owner, body: {} })).toEqual({
      status: 403,
      body: { error_code: 40301, message: 'User ada (role domain-owner) is denied operation schema:register on energy.consumption-15m.v1-value' },
    });
  });

  it('takes the domain of a proposal from its contract', async () => {
    expect(await call(server.url, 'POST', '/contracts/proposals', { token: owner, body: proposal('asset-health') })).toMatchObject({ status: 201, body: { by: 'ada' } });
    expect(await call(server.url, 'POST', '/contracts/proposals', { token: owner, body: proposal('energy') })).toEqual({
      status: 403,
      body: { error_code: 40301, message: 'User ada (role domain-owner) is denied operation contract:propose on energy.scores' },
    });
    expect((await call(server.url, 'POST', '/contracts/proposals', { token: lead, body: proposal('asset-health') })).status).toBe(403);
  });

  it('takes the domain from a route function', async () => {
    expect((await call(server.url, 'POST', '/contracts/asset-health.scores/versions/1.0.0/deprecate', { token: owner })).status).toBe(201);
    expect(await call(server.url, 'POST', '/contracts/energy.scores/versions/1.0.0/deprecate', { token: owner })).toMatchObject({
      status: 403,
      body: { message: expect.stringContaining('on contract energy.scores') },
    });
  });

  it('names the path when a route has no domain', async () => {
    expect((await call(server.url, 'PUT', '/config', { token: lead, body: {} })).status).toBe(200);
    expect(await call(server.url, 'PUT', '/config', { token: analyst, body: {} })).toEqual({
      status: 403,
      body: { error_code: 40301, message: 'User ann (role analyst) is denied operation config:write on /config' },
    });
  });
});

describe('registry auth guard, open (no governance config)', () => {
  let server: { url: string; app: INestApplication };
  beforeAll(async () => {
    server = await start(RegistryAuth.open());
  });
  afterAll(() => server.app.close());

  it('lets every write through without a token, with no principal', async () => {
    expect(await call(server.url, 'POST', '/subjects/energy.x.v1-value/versions', { body: {} })).toEqual({ status: 201, body: { subject: 'energy.x.v1-value', by: null } });
    expect((await call(server.url, 'PUT', '/config', { authorization: 'Bearer nonsense', body: {} })).status).toBe(200);
  });
});
