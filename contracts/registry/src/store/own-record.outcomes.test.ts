import { describe, expect, it } from 'vitest';
import { OwnRecordOutcomes } from './own-record.outcomes';

describe('outcomes of own log records', () => {
  it('hands an outcome to the writer whether it was applied before or after the writer asked', async () => {
    const own = new OwnRecordOutcomes<string>();
    own.settle(1n, 'accepted');
    await expect(own.wait(1n, 1_000, () => new Error('timeout'))).resolves.toBe('accepted');
    const waiting = own.wait(2n, 1_000, () => new Error('timeout'));
    own.settle(2n, 'rejected');
    await expect(waiting).resolves.toBe('rejected');
  });

  it('fails a writer that waits too long, and keeps nothing for it when its record arrives later', async () => {
    const own = new OwnRecordOutcomes<string>();
    await expect(own.wait(3n, 10, () => new Error('not read back'))).rejects.toThrow('not read back');
    own.settle(3n, 'accepted');
    // Asked again, the late outcome was not kept: the wait times out instead of answering a stale outcome.
    await expect(own.wait(3n, 10, () => new Error('still nothing'))).rejects.toThrow('still nothing');
  });
});
