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

describe('SubjectVersionsCache', () => {
  it('asks the registry once for an id however many records carry it', async () => {
    const registry = registryAnswers({ 7: [{ subject: 'a.v1-value', version: 1 }] });
    const cache = new SubjectVersionsCache(registry.fetch, 30_000, 10_000, 100, () => 0);
    const answers = await Promise.all(Array.from({ length: 50 }, () => cache.registrationOf(7)));
    for (let i = 0; i < 50; i++) await cache.registrationOf(7);
    expect(registry.asked).toEqual([7]);
    expect(answers.every((answer) => isVersionOf(answer, 'a.v1-value'))).toBe(true);
    expect(cache.cached(7)).toEqual([{ subject: 'a.v1-value', version: 1 }]);
  });

  it('trusts an id registered under the subject since, once its answer is older than the refresh time', async () => {
    let now = 0;
    const registry = registryAnswers({ 7: [{ subject: 'other.v1-value', version: 1 }] });
    const cache = new SubjectVersionsCache(registry.fetch, 30_000, 10_000, 100, () => now);
    expect(isVersionOf(await cache.registrationOf(7), 'a.v1-value')).toBe(false);
    registry.answers.set(7, [
      { subject: 'other.v1-value', version: 1 },
      { subject: 'a.v1-value', version: 3 },
    ]);
    now = 29_999;
    expect(isVersionOf(await cache.registrationOf(7), 'a.v1-value')).toBe(false);
    now = 30_000;
    expect(cache.cached(7)).toBeUndefined();
    expect(isVersionOf(await cache.registrationOf(7), 'a.v1-value')).toBe(true);
    expect(registry.asked).toEqual([7, 7]);
  });

  it('remembers an unknown id for its own, shorter time, and not at all when that is 0', async () => {
    let now = 0;
    const registry = registryAnswers({});
    const cache = new SubjectVersionsCache(registry.fetch, 30_000, 10_000, 100, () => now);
    expect(await cache.registrationOf(9)).toBe('unknown');
    now = 9_999;
    await cache.registrationOf(9);
    now = 10_000;
    await cache.registrationOf(9);
    expect(registry.asked).toEqual([9, 9]);

    const forgetful = new SubjectVersionsCache(registry.fetch, 30_000, 0, 100, () => now);
    await forgetful.registrationOf(9);
    await forgetful.registrationOf(9);
    expect(registry.asked).toEqual([9, 9, 9, 9]);
  });

  it('keeps at most maxIds ids, forgetting the least recently fetched', async () => {
    const registry = registryAnswers({});
    const cache = new SubjectVersionsCache(registry.fetch, 30_000, 10_000, 3, () => 0);
    for (const id of [1, 2, 3, 4]) await cache.registrationOf(id);
    expect([1, 2, 3, 4].map((id) => cache.cached(id) !== undefined)).toEqual([false, true, true, true]);
  });

  it('does not remember a failed request: the retried batch asks again', async () => {
    let failing = true;
    const asked: number[] = [];
    const cache = new SubjectVersionsCache(
      async (schemaId) => {
        asked.push(schemaId);
        if (failing) throw new Error('connection refused');
        return [{ subject: 'a.v1-value', version: 1 }];
      },
      30_000,
      10_000,
      100,
      () => 0,
    );
    await expect(cache.registrationOf(7)).rejects.toThrow('connection refused');
    failing = false;
    expect(isVersionOf(await cache.registrationOf(7), 'a.v1-value')).toBe(true);
    expect(asked).toEqual([7, 7]);
  });
});
