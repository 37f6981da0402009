import { describe, expect, it } from 'vitest';
import { RegistryState } from './registry.state';
import { schemaKey, type LogRecord } from './schema-log.records';

const claim = (subject: string, version: number, id: number, schema: string, deleted = false): LogRecord => ({
  kind: 'schema',
  key: schemaKey(subject, version),
  value: { subject, version, id, schema, deleted },
});
const tombstone = (subject: string, version: number): LogRecord => ({ kind: 'schema', key: schemaKey(subject, version), value: null });

describe('RegistryState applying the log', () => {
  it('gives an id to the first schema that claims it and rejects a later claim by another schema', () => {
    const state = new RegistryState();
    expect(state.apply(claim('a', 1, 1, '"int"'))).toBe('accepted');
    expect(state.apply(claim('b', 1, 1, '"string"'))).toBe('rejected');
    expect(state.schemaById(1)?.schema).toBe('"int"');
    expect(state.versions('b')).toEqual([]);
    expect(state.lastClaimRejected('b', 1)).toBe(true);
  });

  it('rejects a second id for a schema that already has one, and shares the id across subjects', () => {
    const state = new RegistryState();
    state.apply(claim('a', 1, 1, '"int"'));
    expect(state.apply(claim('b', 1, 2, '"int"'))).toBe('rejected');
    expect(state.apply(claim('b', 1, 1, '"int"'))).toBe('accepted');
    expect(state.usesOf(1).map((use) => use.subject)).toEqual(['a', 'b']);
    expect(state.lastClaimRejected('b', 1)).toBe(false);
  });

  it('rejects a second claim of the same subject version by another id', () => {
    const state = new RegistryState();
    state.apply(claim('a', 1, 1, '"int"'));
    expect(state.apply(claim('a', 1, 2, '"long"'))).toBe('rejected');
    expect(state.versions('a')).toEqual([{ version: 1, id: 1, deleted: false }]);
    expect(state.maxId).toBe(1);
  });

  it('soft-deletes by rewriting the same claim and hard-deletes by tombstone, keeping the id bound', () => {
    const state = new RegistryState();
    state.apply(claim('a', 1, 5, '"int"'));
    expect(state.apply(claim('a', 1, 5, '"int"', true))).toBe('accepted');
    expect(state.versions('a')[0]?.deleted).toBe(true);
    expect(state.schemaById(5)?.schema).toBe('"int"');
    state.apply(tombstone('a', 1));
    expect(state.versions('a')).toEqual([]);
    expect(state.subjectNames()).toEqual([]);
    expect(state.schemaById(5)).toBeUndefined();
    expect(state.idFor('"int"')).toBe(5);
  });

  it('ends in the same state whatever instance replays the same records', () => {
    const log = [claim('a', 1, 1, '"int"'), claim('b', 1, 1, '"long"'), claim('b', 1, 2, '"long"'), claim('a', 2, 2, '"string"'), claim('a', 2, 3, '"string"')];
    const replay = () => {
      const state = new RegistryState();
      log.forEach((record) => state.apply(record));
      return { a: state.versions('a'), b: state.versions('b'), max: state.maxId };
    };
    expect(replay()).toEqual(replay());
    expect(replay()).toEqual({
      a: [
        { version: 1, id: 1, deleted: false },
        { version: 2, id: 3, deleted: false },
      ],
      b: [{ version: 1, id: 2, deleted: false }],
      max: 3,
    });
  });
});
