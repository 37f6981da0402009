import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TokenStore } from '@fieldmesh/auth';
import { createKafka } from '@fieldmesh/kafka';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startGovernedRegistry } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'governed-registry-'));
const auditTopic = `_fieldmesh.contract-audit.lease-${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  const admin = createKafka({ clientId: 'governed-registry-test', brokers: inject('kafkaBrokers').split(',') }).admin();
  await admin.connect();
  await admin.deleteTopics([auditTopic]).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("the main job's governed registry", () => {
  it('issues its tokens as a lease renewed while it runs, so a killed run leaves none valid for long, and revokes them when it stops', async () => {
    const tokensFile = join(dir, 'tokens.json');
    const leaseMs = 3_000;
    const registry = await startGovernedRegistry({
      kafkaBrokers: inject('kafkaBrokers'),
      tokensFile,
      auditTopic,
      people: { lead: { name: 'lena-lead', role: 'governance-lead', domains: ['*'] } },
      tokenLeaseMs: leaseMs,
    });
    const store = await TokenStore.open(tokensFile);
    try {
      const expiry = () => Date.parse(store.verify(registry.tokens.lead)?.expiresAt ?? '0');
      expect(expiry()).toBeLessThanOrEqual(Date.now() + leaseMs);
      const first = expiry();
      // Past the first expiry: still valid, because the running registry renewed it.
      await sleep(leaseMs + 1_000);
      expect(expiry()).toBeGreaterThan(first);
      expect(expiry()).toBeLessThanOrEqual(Date.now() + leaseMs);
    } finally {
      await registry.close();
    }
    expect(store.check(registry.tokens.lead)).toEqual({ status: 'unknown' });
  });
});
