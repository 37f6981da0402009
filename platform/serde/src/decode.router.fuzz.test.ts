import fc from 'fast-check';
import { describe, it } from 'vitest';
import { avroDecodeFuzz } from './decode.router.fuzz';

describe('Avro (Confluent wire format) fuzzing', () => {
  it('dead-letters every corrupted record of 10,000 hostile batches as a DecodeError and decodes every valid one as written', async () => {
    await fc.assert(
      fc.asyncProperty(avroDecodeFuzz.arbitrary, (input) => avroDecodeFuzz.check(input)),
      { numRuns: 10_000 },
    );
  }, 60_000);
});
