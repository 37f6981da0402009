import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '@fieldmesh/auth';
import { loadAllContracts, type LoadedContract } from '@fieldmesh/governance';
import { AvroSerde } from '@fieldmesh/serde';
import { type ChdbClient, openChdbClient, REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AlertDetail, ProductDetail, SampleQueryResult } from '../src/api/types';
import { type RunningConsole, startConsole } from '../src/index';
import { SEEDED_READINGS, seedAlert, seedSignals, SEEDED_ONSET } from './api.seed';

// The warehouse scenarios of api.test.ts (server) on chDB, handed to the console as a client.
const runId = randomBytes(4).toString('hex');
const ASSET = `acme/chdb-${runId}/press-shop/line-1/pump-1`;
const ONSET = SEEDED_ONSET;
const alertsTopic = `asset-health.alerts.v1.console-chdb-${runId}`;

let dir: string;
let chdb: ChdbClient;
let running: RunningConsole;
let contracts: LoadedContract[];
let analyst: string;
let alertId: string;
const contractOf = (id: string) => contracts.find((c) => c.contract.id === id)!;

async function call<T>(method: 'GET' | 'POST', path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${running.url}${path}`, { method, headers: { authorization: `Bearer ${analyst}` }, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fm-console-chdb-'));
  contracts = await loadAllContracts(REPO_ROOT);
  const tokensFile = join(dir, 'tokens.json');
  analyst = (await (await TokenStore.open(tokensFile)).issue({ name: 'anna-analyst', role: 'analyst', domains: ['*'] })).token;
  chdb = await openChdbClient({ path: join(dir, 'chdb') });
  await seedSignals(chdb.client, { database: 'fieldmesh', contract: contractOf('plant-telemetry.clean'), assetPath: ASSET, onset: ONSET });
  const serde = new AvroSerde({ registryUrl: inject('registryUrl'), clientId: 'console-test' });
  alertId = await seedAlert({ brokers: inject('kafkaBrokers'), serde, topic: alertsTopic, contract: contractOf('asset-health.alerts'), assetPath: ASSET, onset: ONSET });
  running = await startConsole({
    port: 0,
    host: '127.0.0.1',
    kafkaBrokers: inject('kafkaBrokers'),
    registryUrl: inject('registryUrl'),
    tokensFile,
    contractsRoot: REPO_ROOT,
    clickhouse: chdb.client,
    stateDir: join(dir, 'state'),
    topics: { alerts: alertsTopic, slo: `_fieldmesh.slo.console-chdb-${runId}`, lineage: `_fieldmesh.lineage.console-chdb-${runId}` },
    web: false,
  });
});

afterAll(async () => {
  await running?.close();
  await chdb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('console api on chDB', () => {
  it("shows a product's table and row count and runs its sample query", async () => {
    const detail = await call<ProductDetail>('GET', '/api/catalog/plant-telemetry.clean');
    expect(detail.body.warehouse).toMatchObject({ table: 'fieldmesh.plant_telemetry_clean_v1', rows: SEEDED_READINGS });
    const sample = await call<SampleQueryResult>('POST', '/api/catalog/plant-telemetry.clean/sample-query');
    expect(sample.status).toBe(200);
    expect(sample.body.rows).toHaveLength(20);
    expect(Number(sample.body.rows[0]![sample.body.columns.findIndex((c) => c.name === 'value')])).toBe(3.9);
  });

  it("charts the alert's signals around the onset", async () => {
    const detail = await call<AlertDetail>('GET', `/api/alerts/${encodeURIComponent(alertId)}`);
    expect(detail.body.signalsFrom).toMatchObject({ source: 'clickhouse fieldmesh.plant_telemetry_clean_v1', note: null });
    expect(detail.body.signals).toEqual([expect.objectContaining({ signal: 'vibration_rms', unit: 'mm/s' })]);
    expect(detail.body.signals[0]!.points).toHaveLength(SEEDED_READINGS);
    expect(detail.body.signals[0]!.points.at(-1)).toEqual([ONSET.getTime() - 600_000 + 29 * 30_000, 3.9]);
  });
});
