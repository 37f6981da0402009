import fc from 'fast-check';
import { describe, it } from 'vitest';
import { contractYamlFuzz } from './contract.loader.fuzz';

// `npm run test:long:fuzz -- --target contract-yaml` runs it at length.
describe('contract YAML fuzzing', () => {
  it('answers 10,000 damaged or hostile contract texts with the contract or a list of problems, never a throw', () => {
    fc.assert(
      fc.property(contractYamlFuzz.arbitrary, (input) => contractYamlFuzz.check(input)),
      { numRuns: 10_000 },
    );
  }, 120_000);
});
