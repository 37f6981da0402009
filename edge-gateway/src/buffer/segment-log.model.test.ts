import fc from 'fast-check';
import { describe, it } from 'vitest';
import { bufferModelProperty, checkSequence, modelRoot } from './segment-log.model';

describe('SegmentLog against its reference model', () => {
  // The short run (a few seconds); `npm run test:long:buffer` runs 100,000 sequences.
  it('keeps every acknowledged record, in order, or counts it as dropped, through random faults and crashes', { timeout: 60_000 }, async () => {
    await fc.assert(bufferModelProperty({ root: modelRoot() }), { numRuns: 200 });
  });

  it('reproduces issue 9 defect 1 as a sequence: records appended after an idle restart survive', async () => {
    await checkSequence(
      [
        { op: 'append', sizes: [10, 10, 10] },
        { op: 'read', max: 10 },
        { op: 'commit', checkpointFails: false },
        { op: 'reopen' },
        { op: 'reopen' },
        { op: 'append', sizes: [10, 10] },
        { op: 'read', max: 10 },
        { op: 'commit', checkpointFails: false },
        { op: 'append', sizes: [10, 10, 10] },
        { op: 'reopen' },
      ],
      { root: modelRoot() },
    );
  });

  it('keeps a rejected record from coming back after a seq that was already forwarded (found by the long run)', async () => {
    // A short write whose tail could not be cut off left a whole frame of the rejected append on disk;
    // the next open read it back, as a record older than one forwarded before the restart.
    await checkSequence(
      [{ op: 'append', sizes: [1, 1], fault: { kind: 'short-write-uncut', at: 0.5 } }, { op: 'append', sizes: [1] }, { op: 'read', max: 1 }, { op: 'reopen' }],
      { root: modelRoot() },
      'always',
    );
  });

  it('drops the oldest segment, never the active one, when a commit frees segments during the drop (found by the long run)', async () => {
    // The drop rolled a new segment; a commit meanwhile deleted the old active one, and the drop then took
    // the new active segment for the oldest.
    await checkSequence(
      [
        { op: 'append', sizes: [528, 645, 319] },
        { op: 'append', sizes: [240] },
        { op: 'append', sizes: [666, 546, 449, 373, 572, 651] },
        { op: 'read', max: 3 },
        { op: 'append-while-forwarding', sizes: [352, 525, 653, 513, 492, 413], max: 7 },
      ],
      { root: modelRoot() },
      'interval',
    );
  });
});
