import { describe, expect, it } from 'vitest';
import { waitWhileProgressing } from './wait-until';

describe('waitWhileProgressing', () => {
  it('keeps waiting past the quiet time while the count moves, and resolves once the check holds', async () => {
    let count = 0;
    const ticking = setInterval(() => (count += 1), 20);
    try {
      await waitWhileProgressing(
        () => count >= 20,
        () => count,
        { quietMs: 200, capMs: 5_000 },
      );
    } finally {
      clearInterval(ticking);
    }
    expect(count).toBeGreaterThanOrEqual(20);
  });

  it('gives up once the count has stood still for the quiet time, saying where it stood', async () => {
    await expect(
      waitWhileProgressing(
        () => false,
        () => 7,
        { quietMs: 300, capMs: 5_000 },
      ),
    ).rejects.toThrow('no progress for 300 ms (at 7)');
  });

  it('gives up at the cap even while the count moves', async () => {
    let count = 0;
    await expect(
      waitWhileProgressing(
        () => false,
        () => (count += 1),
        { quietMs: 1_000, capMs: 300 },
      ),
    ).rejects.toThrow('not reached within 300 ms');
  });
});
