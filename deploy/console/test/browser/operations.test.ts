import { lineScopeOf } from '@fieldmesh/slo';
import { launchBrowser, type Page, type TestBrowser } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, screenshot, signIn } from './console.page';
import { startConsoleFixture, type ConsoleFixture } from './pipeline.fixture';

const ANOMALY_SCORES = 'asset-health.anomaly-scores.v1';
const RAW = 'plant.telemetry.raw.v1';

/** What these tests read of `GET /api/alerts` (deploy/console/src/api/types.ts has the whole shape). */
interface AlertRow {
  alertId: string;
  assetPath: string;
  openedAt: string;
}

/** The alert page's status, or what it shows instead (an error, or nothing yet), read without waiting. */
async function shownStatus(page: Page): Promise<string> {
  const status = page.getByTestId('alert-status');
  if ((await status.count()) > 0) return (await status.first().textContent()) ?? '';
  const error = page.getByTestId('error');
  if ((await error.count()) > 0) return `an error: ${await error.first().textContent()}`;
  return `no status yet at ${page.url()}`;
}

/** GET from the console's API as `token`. */
async function api<T>(fixture: ConsoleFixture, token: string, path: string): Promise<T> {
  const response = await fetch(`${fixture.consoleUrl}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

describe('operating the plant in the console', () => {
  let fixture: ConsoleFixture;
  let browser: TestBrowser;
  let startedAt: number;

  beforeAll(async () => {
    startedAt = Date.now();
    fixture = await startConsoleFixture({ pipeline: true });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('lets an operator take an alert from open to closed', async () => {
    // An alert this run's anomaly operator opened (the plant clock runs ahead of the wall clock, never behind).
    let alert: AlertRow | undefined;
    await expect
      .poll(
        async () => {
          const open = await api<{ items: AlertRow[] }>(fixture, fixture.tokens.operator, '/api/alerts?status=OPENED&pageSize=200');
          alert = open.items.find((candidate) => Date.parse(candidate.openedAt) >= startedAt);
          return alert !== undefined;
        },
        { timeout: 150_000, interval: 2_000 },
      )
      .toBe(true);
    const alertId = alert!.alertId;

    const page = await signIn(browser.context, fixture.consoleUrl, fixture.tokens.operator, '/alerts');
    await page.locator('[data-testid^="alert-row-"]').first().waitFor();
    await screenshot(page, 'alert-board');
    // The board holds earlier runs' alerts too (the topic is the record): the operator narrows it to the asset.
    await page.getByTestId('alert-filter-asset').fill(alert!.assetPath);
    // The filter applies a moment after typing stops (it moves the URL): click once the board shows it, not while a
    // navigation of the filter is still under way, which would take the page back to the board.
    await page.waitForURL((url) => url.searchParams.get('asset') === alert!.assetPath);
    await page.getByTestId(`alert-row-${alertId}`).click();
    await page.waitForURL((url) => decodeURIComponent(url.pathname) === `/alerts/${alertId}`);
    await eventually(() => shownStatus(page)).toBe('OPENED');
    await screenshot(page, 'alert-detail');

    const step = async (action: string, fill?: () => Promise<void>) => {
      await fill?.();
      await page.getByTestId(`alert-action-${action}`).click();
      await eventually(() => shownStatus(page)).toBe(action);
    };
    await step('ACKNOWLEDGED');
    await step('DIAGNOSED', () => page.getByTestId('alert-diagnosis').fill('bearing wear, drive end'));
    await step('DISPATCHED', () => page.getByTestId('alert-work-order').fill('WO-20731'));
    await step('VERIFIED', () => page.getByTestId('alert-note').fill('Bearing replaced, vibration back to baseline'));
    await step('CLOSED');

    // The steps are alert events on the alerts topic: the console's own state, rebuilt from it, agrees.
    const detail = await api<{ status: string; history: { type: string; by: string }[]; diagnosis: string | null; workOrderId: string | null }>(
      fixture,
      fixture.tokens.analyst,
      `/api/alerts/${encodeURIComponent(alertId)}`,
    );
    expect(detail.status).toBe('CLOSED');
    expect(detail.history.map((event) => event.type)).toEqual(['OPENED', 'ACKNOWLEDGED', 'DIAGNOSED', 'DISPATCHED', 'VERIFIED', 'CLOSED']);
    expect(detail.history.slice(1).every((event) => event.by === 'olga-operator')).toBe(true);
    expect(detail).toMatchObject({ diagnosis: 'bearing wear, drive end', workOrderId: 'WO-20731' });
    await page.close();
  });

  it('shows where the anomaly scores come from: upstream products, MQTT topics and OPC UA nodes', async () => {
    const page = await signIn(browser.context, fixture.consoleUrl, fixture.tokens.analyst, `/lineage?dataset=${ANOMALY_SCORES}`);
    const node = (id: string) => page.getByTestId(`lineage-node-${id}`);
    await node(`topic:${ANOMALY_SCORES}`).waitFor({ timeout: 30_000 });
    for (const upstream of ['asset-health.features.v1', 'plant.telemetry.clean.v1', RAW]) await eventually(() => node(`topic:${upstream}`).count()).toBe(1);
    await eventually(() => page.locator('[data-testid^="lineage-node-mqtt:"]').count()).toBeGreaterThan(0);
    await eventually(() => page.locator('[data-testid^="lineage-node-opcua:"]').count()).toBeGreaterThan(0);
    await screenshot(page, 'lineage');
    await page.close();
  });

  it('reports a stopped line as a freshness breach within one interval, and its recovery', async () => {
    const { simulator } = fixture.pipeline!.sites[0]!;
    const slo = fixture.slo!;
    const line = lineScopeOf(simulator.plant.assets[0]!.path)!;
    const rawFreshness = (scope: string) => slo.status().find((status) => status.topic === RAW && status.slo === 'freshness' && status.scope === scope);
    await eventually(() => rawFreshness(line)?.state, 60_000).toBe('ok');
    const maxAgeMs = rawFreshness(line)!.objective;
    const eventOf = (type: 'BREACHED' | 'RECOVERED') =>
      slo.events().find((event) => event.type === type && event.topic === RAW && event.slo === 'freshness' && event.scope === line);

    simulator.stopLine(line);
    const stoppedAt = Date.now();
    await expect.poll(() => eventOf('BREACHED'), { timeout: 3 * maxAgeMs + 10_000, interval: 500 }).toBeDefined();
    const breached = eventOf('BREACHED')!;
    const seenAfterMs = Date.parse(breached.at) - stoppedAt;
    // The monitor flags the line within a tick of its newest record turning maxAge old, so within one
    // freshness interval of the objective being missed; the rest of the delay is the gateway and Kafka
    // still delivering what the line sent before it stopped.
    expect(breached.observed).toBeGreaterThan(maxAgeMs);
    expect(breached.observed, `breach seen ${seenAfterMs} ms after the stop`).toBeLessThanOrEqual(maxAgeMs + 2 * slo.tickMs);
    expect(seenAfterMs).toBeGreaterThanOrEqual(maxAgeMs - 1_000);
    // The other lines still send: the product as a whole stays fresh.
    expect(rawFreshness('*')?.state).toBe('ok');

    const page = await signIn(browser.context, fixture.consoleUrl, fixture.tokens.operator, '/slo');
    await expectSloEventShown(page, 'BREACHED', line);
    await screenshot(page, 'slo');

    simulator.resumeLine(line);
    await expect.poll(() => eventOf('RECOVERED'), { timeout: maxAgeMs + 30_000, interval: 500 }).toBeDefined();
    await page.reload();
    await expectSloEventShown(page, 'RECOVERED', line);
    await page.close();
  });

  it('shows the catalog, a product and the models in use', async () => {
    const page = await signIn(browser.context, fixture.consoleUrl, fixture.tokens.analyst, '/catalog');
    await page.getByTestId('catalog-search').fill('anomaly');
    await page.getByTestId('catalog-row-asset-health.anomaly-scores').waitFor();
    await page.getByTestId('catalog-search').fill('');
    await page.getByTestId('catalog-row-plant-telemetry.raw').waitFor();
    await screenshot(page, 'catalog');
    await page.getByTestId('catalog-row-asset-health.anomaly-scores').click();
    await eventually(() => page.getByTestId('product-title').textContent()).toBe('anomaly-scores');
    await eventually(() => page.getByTestId('retention-kafka').textContent()).not.toBe('');
    await screenshot(page, 'product');
    await page.getByTestId('nav-models').click();
    await page.getByTestId('models').waitFor();
    await eventually(() => page.locator('[data-testid^="models-"]').count()).toBeGreaterThan(1);
    await screenshot(page, 'models');
    await page.close();
  });
});

/** The SLO page's event list holds an event of this type for this line (newest first, so near the top). */
async function expectSloEventShown(page: Page, type: 'BREACHED' | 'RECOVERED', scope: string): Promise<void> {
  const events = page.getByTestId('slo-events');
  await events.waitFor({ timeout: 20_000 });
  await eventually(() => events.locator('li', { hasText: type }).filter({ hasText: scope }).count()).toBeGreaterThan(0);
}
