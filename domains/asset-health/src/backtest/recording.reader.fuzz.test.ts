import fc from 'fast-check';
import { describe, it } from 'vitest';
import { recordingCsvFuzz } from './recording.reader.fuzz';

describe('recording CSV import fuzzing', () => {
  it('imports 10,000 damaged recordings to the end (the valid last row included) or stops with RecordingInvalid, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(recordingCsvFuzz.arbitrary, (input) => recordingCsvFuzz.check(input)),
      { numRuns: 10_000 },
    );
  }, 60_000);
});
