import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Role, TokenStore } from '@fieldmesh/auth';
import { GATEWAY_COMMANDS_TOPIC } from '@fieldmesh/connect';
import { createKafka, readTopicToEnd } from '@fieldmesh/kafka';
import { launchBrowser, REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FleetCommandAccepted, FleetCommandStatus, GatewayDetail, GatewayView } from '../src/api/fleet.types';
import type { ApiError, Page } from '../src/api/types';
import { type RunningConsole, startConsole } from '../src/index';
import { eventually, screenshot, signIn } from './browser/console.page';

const runId = randomBytes(4).toString('hex');
const gatewayId = `gw-fleet-${runId}`;
const PEOPLE = {
  plantOperator: { name: 'petra-operator', role: 'operator', domains: ['plant-telemetry'] },
  healthOperator: { name: 'hugo-operator', role: 'operator', domains: ['asset-health'] },
  analyst: { name: 'anna-analyst', role: 'analyst', domains: ['*'] },
} as const satisfies Record<string, { name: string; role: Role; domains: string[] }>;
type Person = keyof typeof PEOPLE;
const tokens = {} as Record<Person, string>;

let dir: string;
let gateway: ChildProcess;
let running: RunningConsole;

async function call<T>(method: 'GET' | 'POST', path: string, person: Person, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[person]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * The fleet page's API on a real gateway, console and Kafka: the gateway's heartbeats show, an operator of the
 * plant's telemetry sends diagnostics and reads the answers, other roles are refused, and the commands topic
 * holds each command with the operator's name.
 */
describe('console fleet api', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fm-console-fleet-'));
    const tokensFile = join(dir, 'tokens.json');
    const store = await TokenStore.open(tokensFile);
    for (const [person, identity] of Object.entries(PEOPLE) as Array<[Person, (typeof PEOPLE)[Person]]>) {
      tokens[person] = (await store.issue({ name: identity.name, role: identity.role, domains: [...identity.domains] })).token;
    }
    // A gateway process of its own, as a site runs it (the console may not import the gateway).
    const config = join(dir, 'gateway.yaml');
    await writeFile(
      config,
      JSON.stringify({
        gatewayId,
        stateDir: join(dir, 'gateway'),
        kafka: { brokers: [inject('kafkaBrokers')] },
        registryUrl: inject('registryUrl'),
        connectors: [
          {
            name: 'plant-mqtt',
            type: 'mqtt',
            config: {
              url: inject('mqttUrl'),
              clientId: `${gatewayId}-mqtt`,
              format: 'json',
              mappings: [{ topic: `fleet-${runId}/+asset/+signal`, assetPath: 'acme/fleet/{asset}' }],
            },
          },
        ],
        commands: { heartbeatSeconds: 1 },
        observability: { port: 0 },
      }),
    );
    gateway = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'edge-gateway', 'src', 'main.ts'), 'run', '--config', config, '--root', REPO_ROOT], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    running = await startConsole({
      port: 0,
      host: '127.0.0.1',
      kafkaBrokers: inject('kafkaBrokers'),
      registryUrl: inject('registryUrl'),
      serviceToken: inject('registryToken'),
      tokensFile,
      contractsRoot: REPO_ROOT,
      stateDir: join(dir, 'console'),
      topics: { alerts: `asset-health.alerts.v1.fleet-${runId}`, slo: `_fieldmesh.slo.fleet-${runId}`, lineage: `_fieldmesh.lineage.fleet-${runId}` },
    });
  }, 180_000);

  afterAll(async () => {
    await running?.close();
    if (gateway?.exitCode === null) {
      const exited = new Promise((resolve) => gateway.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists the gateway from its heartbeats, with state, connectors and buffer, for every role', async () => {
    await expect
      .poll(async () => (await call<Page<GatewayView>>('GET', `/api/fleet/gateways?search=${gatewayId}`, 'analyst')).body.items[0]?.connectors['plant-mqtt'], {
        timeout: 30_000,
        interval: 300,
      })
      .toBe(true);
    const { body } = await call<GatewayDetail>('GET', `/api/fleet/gateways/${gatewayId}`, 'healthOperator');
    expect(body).toMatchObject({ gatewayId, silent: false, intervalSeconds: 1, buffer: { pendingRecords: expect.any(Number) } });
    expect((await call<ApiError>('GET', '/api/fleet/gateways/gw-nowhere', 'analyst')).status).toBe(404);
  }, 45_000);

  it("carries an operator's diagnostic to the gateway and shows its answer, secrets redacted; refuses other roles; the commands topic keeps who asked", async () => {
    for (const person of ['analyst', 'healthOperator'] as const) {
      const refused = await call<ApiError>('POST', `/api/fleet/gateways/${gatewayId}/commands`, person, { type: 'health' });
      expect(refused.status, person).toBe(403);
    }
    const invalid = await call<ApiError>('POST', `/api/fleet/gateways/${gatewayId}/commands`, 'plantOperator', { type: 'log-tail', lines: 0 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toContain("'lines'");

    const accepted = await call<FleetCommandAccepted>('POST', `/api/fleet/gateways/${gatewayId}/commands`, 'plantOperator', { type: 'effective-config' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ gatewayId, type: 'effective-config', requestedBy: 'petra-operator' });
    let status: FleetCommandStatus | undefined;
    await expect
      .poll(async () => (status = (await call<FleetCommandStatus>('GET', `/api/fleet/commands/${accepted.body.commandId}`, 'analyst')).body).answer?.outcome, {
        timeout: 30_000,
        interval: 300,
      })
      .toBe('done');
    expect(status!.answer).toMatchObject({ requestedBy: 'petra-operator', answer: { gatewayId, connectors: [{ name: 'plant-mqtt' }] } });
    expect(JSON.stringify(status!.answer)).not.toContain(inject('kafkaSaslPassword'));
    const detail = await call<GatewayDetail>('GET', `/api/fleet/gateways/${gatewayId}`, 'analyst');
    expect(detail.body.answers[0]).toMatchObject({ commandId: accepted.body.commandId, outcome: 'done' });

    const kafka = createKafka({ clientId: 'fleet-test', brokers: [inject('kafkaBrokers')] });
    const audit = (await readTopicToEnd(kafka, GATEWAY_COMMANDS_TOPIC)).map((record) => JSON.parse(record.value!.toString()) as { commandId: string; requestedBy: string });
    expect(audit.filter((command) => command.commandId === accepted.body.commandId)).toEqual([
      expect.objectContaining({ requestedBy: 'petra-operator', type: 'effective-config' }),
    ]);
  }, 60_000);

  it('shows the gateway on the Fleet page, where an operator asks it for its health and reads the answer', async () => {
    const browser = await launchBrowser();
    try {
      const page = await signIn(browser.context, running.url, tokens.plantOperator, '/fleet');
      await page.getByTestId(`gateway-${gatewayId}`).click();
      await page.getByTestId('command-health').click();
      await eventually(async () => (await page.getByTestId('gateway-panel').textContent()) ?? '').toMatch(/done\s*health asked by petra-operator/);
      await screenshot(page, 'fleet');
      const analyst = await signIn(browser.context, running.url, tokens.analyst, '/fleet');
      await analyst.getByTestId(`gateway-${gatewayId}`).click();
      expect(await analyst.getByTestId('command-health').isDisabled()).toBe(true);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
