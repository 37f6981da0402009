import { describe, expect, it } from 'vitest';
import { isVersionOf, SubjectVersionsCache } from './subject-versions.cache';
import type { IdRegistration } from './subject-versions.request';

/** A registry answer per id that the test changes as it goes, counting the questions it is asked. */
function registryAnswers(initial: Record<number, IdRegistration>) {
  const answers = new Map(Object.entries(initial).map(([id, answer]) => [Number(id), answer]));
  const asked: number[] = [];
  return {
    answers,
    asked,
    fetch: async (schemaId: number): Promise<IdRegistration> => {
      asked.push(schemaId);
      await Promise.resolve();
      return answers.get(schemaId) ?? 'unknown';
    },
  };
}

const A = 'a.v1-value';
const B = 'b.v1-value';

describe('SubjectVersionsCache', () => {
  it('asks the registry once for an id however many records carry it', async () => {
    const registry = registryAnswers({ 7: [{ subject: A, version: 1 }] });
    const cache = new SubjectVersionsCache(registry.fetch, 30_000, 10_000, 100, () => 0);
    const answers = await Promise.all(Array.from({ length: 50 }, () => cache.registrationFor(7, A)));
    for (let i = 0; i < 50; i++) await cache.registrationFor(7, A);
    expect(registry.asked).toEqual([7]);
    expect(answers.every((answer) => isVersionOf(answer, A))).toBe(true);
    expect(cache.isVersionOfCached(7, A)).toBe(true);
    expect(cache.isVersionOfCached(7, B)).toBe(false);
  });

  it('asks again when a remembered answer lacks the subject: the same schema registered under a new subject keeps its id', async () => {
    const registry = registryAnswers({ 7: [{ subject: A, version: 1 }] });
    const cache = new SubjectVersionsCache(registry.fetch, 30_000, 10_000, 100, () => 0);
    await cache.registrationFor(7, A);
    registry.answers.set(7, [
      { subject: A, version: 1 },
      { subject: B, version: 1 },
    ]);
    expect(isVersionOf(await cache.registrationFor(7, B), B)).toBe(true);
    expect(registry.asked).toEqual([7, 7]);
  });

  it("remembers the registry's no for an id and subject, so forged records cost one request per refresh time", async () => {
    let now = 0;
    const registry = registryAnswers({ 7: [{ subject: A, version: 1 }] });
    const cache = new SubjectVersionsCache(registry.fetch, 30_000, 10_000, 100, () => now);
    for (let i = 0; i < 100; i++) expect(isVersionOf(await cache.registrationFor(7, B), B)).toBe(false);
    expect(registry.asked).toEqual([7]);
    // Registered under B since: the remembered no stands until the refresh time has passed.
    registry.answers.set(7, [
      { subject: A, version: 1 },
      { subject: B, version: 2 },
    ]);
    now = 29_999;
    expect(isVersionOf(await cache.registrationFor(7, B), B)).toBe(false);
    now = 30_000;
    expect(isVersionOf(await cache.registrationFor(7, B), B)).toBe(true);
    expect(registry.asked).toEqual([7, 7]);
  });

  it('stops trusting a deleted version once the refresh time has passed', async () => {
    let now = 0;
    const registry = registryAnswers({ 7: [{ subject: A, version: 1 }] });
    const cache = new SubjectVersionsCache(registry.fetch, 30_000, 10_000, 100, () => now);
    await cache.registrationFor(7, A);
    registry.answers.set(7, [{ subject: B, version: 1 }]);
    now = 30_000;
    expect(cache.isVersionOfCached(7, A)).toBe(false);
    expect(isVersionOf(await cache.registrationFor(7, A), A)).toBe(false);
  });

  it('remembers an unknown id for its own, shorter time, and not at all when that is 0', async () => {
    let now = 0;
    const registry = registryAnswers({});
    const cache = new SubjectVersionsCache(registry.fetch, 30_000, 10_000, 100, () => now);
    expect(await cache.registrationFor(9, A)).toBe('unknown');
    now = 9_999;
    await cache.registrationFor(9, A);
    now = 10_000;
    await cache.registrationFor(9, A);
    expect(registry.asked).toEqual([9, 9]);

    const forgetful = new SubjectVersionsCache(registry.fetch, 30_000, 0, 100, () => now);
    await forgetful.registrationFor(9, A);
    await forgetful.registrationFor(9, A);
    expect(registry.asked).toEqual([9, 9, 9, 9]);
  });

  it('keeps at most maxIds ids, forgetting the least recently fetched', async () => {
    const registry = registryAnswers({ 1: [{ subject: A, version: 1 }], 2: [{ subject: A, version: 2 }], 3: [{ subject: A, version: 3 }], 4: [{ subject: A, version: 4 }] });
    const cache = new SubjectVersionsCache(registry.fetch, 30_000, 10_000, 3, () => 0);
    for (const id of [1, 2, 3, 4]) await cache.registrationFor(id, A);
    expect([1, 2, 3, 4].map((id) => cache.isVersionOfCached(id, A))).toEqual([false, true, true, true]);
  });

  it('does not remember a failed request: the retried batch asks again', async () => {
    let failing = true;
    const asked: number[] = [];
    const cache = new SubjectVersionsCache(
      async (schemaId) => {
        asked.push(schemaId);
        if (failing) throw new Error('connection refused');
        return [{ subject: A, version: 1 }];
      },
      30_000,
      10_000,
      100,
      () => 0,
    );
    await expect(cache.registrationFor(7, A)).rejects.toThrow('connection refused');
    failing = false;
    expect(isVersionOf(await cache.registrationFor(7, A), A)).toBe(true);
    expect(asked).toEqual([7, 7]);
  });
});
