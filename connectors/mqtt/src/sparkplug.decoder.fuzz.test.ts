import fc from 'fast-check';
import { describe, it } from 'vitest';
import { sparkplugDecoderFuzz } from './sparkplug.decoder.fuzz';

describe('Sparkplug B fuzzing', () => {
  it('survives 10,000 hostile message sequences with at most one bounded reject per message, and reads a node born after them', () => {
    fc.assert(
      fc.property(sparkplugDecoderFuzz.arbitrary, (input) => sparkplugDecoderFuzz.check(input)),
      { numRuns: 10_000 },
    );
  }, 60_000);
});
