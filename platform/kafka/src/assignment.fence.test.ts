import { describe, expect, it } from 'vitest';
import { AssignmentFence, type Membership } from './assignment.fence';

const generation = (generationId: number, ...partitions: number[]): Membership => ({
  generationId,
  memberId: 'member-1',
  partitions: partitions.map((partition) => ({ topic: 'plant.telemetry.raw.v1', partition })),
});

describe('AssignmentFence', () => {
  it('owns the partitions of the last join, and none once revoked', async () => {
    const fence = new AssignmentFence();
    fence.assign(generation(4, 0, 2));
    expect(fence.owns('plant.telemetry.raw.v1', 2)).toBe(true);
    expect(fence.owns('plant.telemetry.raw.v1', 1)).toBe(false);
    expect(fence.owns('energy.consumption-15m.v1', 2)).toBe(false);
    await fence.revoke();
    expect(fence.membership).toBeUndefined();
    expect(fence.owns('plant.telemetry.raw.v1', 2)).toBe(false);
  });

  it('revokes only after the batch in flight has settled', async () => {
    const fence = new AssignmentFence();
    fence.assign(generation(1, 0));
    let finish: () => void = () => undefined;
    const events: string[] = [];
    const batch = fence.run(
      () =>
        new Promise<void>((resolve) => {
          finish = () => {
            events.push('batch committed');
            resolve();
          };
        }),
    );
    const revoked = fence.revoke().then(() => events.push('revoked'));
    // The share is gone at once (nothing more is handed out), the revocation waits for the batch.
    expect(fence.membership).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]);
    finish();
    await Promise.all([batch, revoked]);
    expect(events).toEqual(['batch committed', 'revoked']);
  });

  it('waits for a failing batch too, and passes its failure to the caller', async () => {
    const fence = new AssignmentFence();
    fence.assign(generation(1, 0));
    const batch = fence.run(() => Promise.reject(new Error('downstream unavailable')));
    await expect(fence.revoke()).resolves.toBeUndefined();
    await expect(batch).rejects.toThrow('downstream unavailable');
  });

  it('revokes at once when no batch is in flight', async () => {
    const fence = new AssignmentFence();
    fence.assign(generation(1, 0));
    await fence.run(async () => undefined);
    await expect(fence.revoke()).resolves.toBeUndefined();
  });

  it('keeps only the positions of partitions the batch generation owns', () => {
    const positions = [0, 1, 2].map((partition) => ({ topic: 'plant.telemetry.raw.v1', partition, offset: '10' }));
    expect(AssignmentFence.within(generation(3, 0, 2), positions).map((p) => p.partition)).toEqual([0, 2]);
  });
});
