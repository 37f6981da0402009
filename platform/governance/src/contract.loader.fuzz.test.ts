import fc from 'fast-check';
import { describe, it } from 'vitest';
import { contractYamlFuzz } from './contract.loader.fuzz';

// 300 here, not 10,000: parsing one 4 KiB contract takes the yaml package about 10 ms on the CI machine.
// `npm run test:long:fuzz -- --target contract-yaml` runs it at length.
describe('contract YAML fuzzing', () => {
  it('answers 300 damaged or hostile contract texts with the contract or a list of problems, never a throw', () => {
    fc.assert(
      fc.property(contractYamlFuzz.arbitrary, (input) => contractYamlFuzz.check(input)),
      { numRuns: 300 },
    );
  }, 60_000);
});
