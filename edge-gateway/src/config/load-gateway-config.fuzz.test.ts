import fc from 'fast-check';
import { describe, it } from 'vitest';
import { gatewayConfigFuzz } from './load-gateway-config.fuzz';

// 300 here, not 10,000: each input is a file written and parsed by the yaml package (milliseconds each);
// `npm run test:long:fuzz -- --target gateway-config` runs it at length.
describe('gateway config fuzzing', () => {
  it('answers 300 damaged or hostile config files with the config or ConfigInvalid, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(gatewayConfigFuzz.arbitrary, (input) => gatewayConfigFuzz.check(input)),
      { numRuns: 300 },
    );
  }, 60_000);
});
