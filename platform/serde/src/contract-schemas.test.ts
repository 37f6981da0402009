import { describe, expect, it } from 'vitest';
import { ContractSchemaIds } from './contract-schemas';

const v1 = { type: 'record', name: 'Reading', fields: [{ name: 'signal', type: 'string' }] };
const v2 = { ...v1, fields: [...v1.fields, { name: 'unit', type: ['null', 'string'], default: null }] };

/** Subject → schema text → id: what the registry holds, changed by the test as it goes. */
function registry(held: Record<string, Record<string, number>>) {
  const lookups: string[] = [];
  return {
    held,
    lookups,
    lookup: async (subject: string, schemaText: string): Promise<number | null> => {
      lookups.push(subject);
      return held[subject]?.[schemaText] ?? null;
    },
  };
}

describe('ContractSchemaIds', () => {
  it("allows on a contract's topic only the ids of the schemas the contract pins", async () => {
    const registered = registry({ 'a.v1-value': { [JSON.stringify(v1)]: 11, [JSON.stringify(v2)]: 12 } });
    const ids = new ContractSchemaIds({ 'a.v1': [v1] }, registered.lookup, 30_000, () => 0);
    expect(await ids.allows('a.v1', 'a.v1-value', 11)).toEqual({ allowed: true, allowedIds: [11] });
    expect(await ids.allows('a.v1', 'a.v1-value', 12)).toEqual({ allowed: false, allowedIds: [11] });
    expect(ids.allowsCached('a.v1', 11)).toBe(true);
    expect(ids.allowsCached('a.v1', 12)).toBe(false);
    // Every pinned schema was found: a forged id costs no further request.
    for (let i = 0; i < 20; i++) await ids.allows('a.v1', 'a.v1-value', 12);
    expect(registered.lookups).toEqual(['a.v1-value']);
  });

  it('restricts nothing on a topic without a contract', async () => {
    const ids = new ContractSchemaIds({ 'a.v1': [v1] }, registry({}).lookup, 30_000, () => 0);
    expect(ids.restricts('b.v1')).toBe(false);
    expect(ids.allowsCached('b.v1', 99)).toBe(true);
    expect(await ids.allows('b.v1', 'b.v1-value', 99)).toEqual({ allowed: true, allowedIds: [] });
  });

  it('trusts a pinned schema registered after start once the refresh time has passed, asking at most once per refresh', async () => {
    let now = 0;
    const registered = registry({ 'a.v1-value': { [JSON.stringify(v1)]: 11 } });
    const ids = new ContractSchemaIds({ 'a.v1': [v1, v2] }, registered.lookup, 30_000, () => now);
    expect((await ids.allows('a.v1', 'a.v1-value', 12)).allowed).toBe(false);
    registered.held['a.v1-value']![JSON.stringify(v2)] = 12;
    now = 10_000;
    expect((await ids.allows('a.v1', 'a.v1-value', 12)).allowed).toBe(false);
    now = 30_000;
    expect(await ids.allows('a.v1', 'a.v1-value', 12)).toEqual({ allowed: true, allowedIds: [11, 12] });
    // v1 was found at the first round and is not looked up again.
    expect(registered.lookups).toEqual(['a.v1-value', 'a.v1-value', 'a.v1-value']);
  });

  it('looks up again at once for an id not refused before, so a pinned schema registered since is trusted without waiting', async () => {
    const registered = registry({ 'a.v1-value': { [JSON.stringify(v1)]: 11 } });
    const ids = new ContractSchemaIds({ 'a.v1': [v1, v2] }, registered.lookup, 30_000, () => 0);
    // Two refused ids alternating cost one round each, then none until the refresh time has passed.
    for (let i = 0; i < 10; i++) expect((await ids.allows('a.v1', 'a.v1-value', 13 + (i % 2))).allowed).toBe(false);
    expect(registered.lookups).toHaveLength(3);
    registered.held['a.v1-value']![JSON.stringify(v2)] = 12;
    expect((await ids.allows('a.v1', 'a.v1-value', 12)).allowed).toBe(true);
    expect(registered.lookups).toHaveLength(4);
  });

  it('lets a failed lookup reject, so that the batch is retried rather than dead-lettered', async () => {
    const ids = new ContractSchemaIds(
      { 'a.v1': [v1] },
      async () => {
        throw new Error('registry down');
      },
      30_000,
      () => 0,
    );
    await expect(ids.allows('a.v1', 'a.v1-value', 11)).rejects.toThrow('registry down');
  });
});
