import { join } from 'node:path';
import { loadContract, type LoadedContract } from '@fieldmesh/governance';
import { launchBrowser, REPO_ROOT, type TestBrowser } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, screenshot, signIn } from './console.page';
import { registryCall, startConsoleFixture, type ConsoleFixture } from './pipeline.fixture';

/**
 * A contract of this run's own (the anomaly-scores contract under another id and topic), so that the
 * versions these tests approve never reach the shared stack's real product subjects.
 */
function contractOfThisRun(base: LoadedContract, runId: string) {
  const dataProduct = `pump-scores-${runId}`;
  const topic = `asset-health.${dataProduct}.v1`;
  return {
    topic,
    subject: `${topic}-value`,
    contract: { ...base.contract, id: `asset-health.${dataProduct}`, dataProduct, kafka: { ...base.contract.kafka, topic } },
    schema: base.avroSchema,
  };
}

/** The next version: one more optional field with a default, which BACKWARD_TRANSITIVE readers accept. */
function withOptionalField(version: ReturnType<typeof contractOfThisRun>, semver: string, field: string, description: string) {
  return {
    contract: { ...version.contract, version: semver, fields: { ...version.contract.fields, [field]: { description, classification: 'internal' } } },
    schema: { ...version.schema, fields: [...version.schema.fields, { name: field, type: ['null', 'string'], default: null, doc: description }] },
  };
}

const registerSchema = (fixture: ConsoleFixture, subject: string, schema: unknown) =>
  registryCall(fixture.registryUrl, 'POST', `/subjects/${encodeURIComponent(subject)}/versions`, fixture.tokens.service, { schema: JSON.stringify(schema) });

describe('contract reviews in the console', () => {
  let fixture: ConsoleFixture;
  let browser: TestBrowser;
  let product: ReturnType<typeof contractOfThisRun>;

  beforeAll(async () => {
    fixture = await startConsoleFixture({ pipeline: false });
    browser = await launchBrowser();
    product = contractOfThisRun(loadContract(join(REPO_ROOT, 'contracts/asset-health/anomaly-scores.yaml'), REPO_ROOT), fixture.runId);
    const baseline = await registryCall(fixture.registryUrl, 'POST', '/contracts/baseline', fixture.tokens.lead, { contract: product.contract, schema: product.schema });
    expect(baseline.status, JSON.stringify(baseline.body)).toBe(200);
    const first = await registerSchema(fixture, product.subject, product.schema);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('lets a governance lead approve a proposed version, after which its schema registers', async () => {
    const next = withOptionalField(product, '1.1.0', 'maintenanceNote', 'Free-text note of the last maintenance on the asset');
    const proposed = await registryCall(fixture.registryUrl, 'POST', '/contracts/proposals', fixture.tokens.owner, next);
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);
    const { proposalId } = proposed.body as { proposalId: string };
    // Proposed is not approved: the registry still refuses the schema.
    expect((await registerSchema(fixture, product.subject, next.schema)).status).toBe(422);

    const page = await signIn(browser.context, fixture.consoleUrl, fixture.tokens.lead, '/reviews');
    await page.getByText(product.contract.id).first().click();
    await page.waitForURL(`**/reviews/${proposalId}`);
    // The reviewer sees what changes before deciding.
    await eventually(() => page.getByText('maintenanceNote').count()).toBeGreaterThan(0);
    await screenshot(page, 'review');
    await page.getByTestId('review-comment').fill('Optional with a default: existing consumers keep working.');
    await page.getByTestId('review-approve').click();

    await eventually(async () => (await registryCall(fixture.registryUrl, 'GET', `/contracts/proposals/${proposalId}`, fixture.tokens.lead)).body?.status).toBe('approved');
    await eventually(() => page.getByText(/approved/i).count()).toBeGreaterThan(0);
    const registered = await registerSchema(fixture, product.subject, next.schema);
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    expect(registered.body).toEqual({ id: expect.any(Number) });
    await page.close();
  });

  it('refuses the schema of a rejected proposal, naming the contract and the reviewer’s reason', async () => {
    const next = withOptionalField(product, '1.2.0', 'shiftCode', 'Shift during which the window was scored');
    const proposed = await registryCall(fixture.registryUrl, 'POST', '/contracts/proposals', fixture.tokens.owner, next);
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);
    const { proposalId } = proposed.body as { proposalId: string };

    const page = await signIn(browser.context, fixture.consoleUrl, fixture.tokens.lead, `/reviews/${proposalId}`);
    await page.waitForURL(`**/reviews/${proposalId}`);
    const reason = 'Shift codes belong to the plant-telemetry domain: ask them to publish a product.';
    await page.getByTestId('review-comment').fill(reason);
    await page.getByTestId('review-reject').click();

    await eventually(async () => (await registryCall(fixture.registryUrl, 'GET', `/contracts/proposals/${proposalId}`, fixture.tokens.lead)).body?.status).toBe('rejected');
    await eventually(() => page.getByText(/rejected/i).count()).toBeGreaterThan(0);
    const refused = await registerSchema(fixture, product.subject, next.schema);
    expect(refused.status).toBe(422);
    expect(refused.body?.error_code).toBe(42205);
    expect(refused.body?.message).toContain(product.contract.id);
    expect(refused.body?.message).toContain('1.2.0');
    expect(refused.body?.message).toContain('rejected');
    expect(refused.body?.message).toContain(reason);
    await page.close();
  });
});
