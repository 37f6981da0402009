import fc from 'fast-check';
import { describe, it } from 'vitest';
import { jsonDecoderFuzz } from './json.decoder.fuzz';

describe('MQTT JSON payload fuzzing', () => {
  it('turns 10,000 hostile message sequences into one reading or one reject each, and reads the valid message after them', () => {
    fc.assert(
      fc.property(jsonDecoderFuzz.arbitrary, (input) => jsonDecoderFuzz.check(input)),
      { numRuns: 10_000 },
    );
  }, 60_000);
});
