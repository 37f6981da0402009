import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatewayConfigFuzz, sampleGatewayConfig } from './load-gateway-config.fuzz';
import { loadGatewayConfig } from './load-gateway-config';

// `npm run test:long:fuzz -- --target gateway-config` runs it at length.
describe('gateway config fuzzing', () => {
  it('damages a sample the gateway accepts, so its inputs also reach the schema and connector checks', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fieldmesh-fuzz-sample-')), 'gateway.yaml');
    writeFileSync(file, sampleGatewayConfig);
    await expect(loadGatewayConfig(file)).resolves.toMatchObject({ gatewayId: 'gw-berlin-1', connectors: [{ name: 'plant-mqtt', type: 'mqtt' }] });
  });

  it('answers 10,000 damaged or hostile config files with the config or ConfigInvalid, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(gatewayConfigFuzz.arbitrary, (input) => gatewayConfigFuzz.check(input)),
      { numRuns: 10_000 },
    );
  }, 120_000);
});
