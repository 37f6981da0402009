import fc from 'fast-check';
import { describe, it } from 'vitest';
import { replayCsvFuzz } from './replay.source.fuzz';

describe('replay CSV fuzzing', () => {
  it('reads 10,000 damaged or hostile recordings to the end or stops with ReplayCsvInvalid, never another error', () => {
    fc.assert(
      fc.property(replayCsvFuzz.arbitrary, (input) => replayCsvFuzz.check(input)),
      { numRuns: 10_000 },
    );
  }, 60_000);
});
