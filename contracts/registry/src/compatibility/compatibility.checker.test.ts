import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../schema/avro.schema';
import { checkCompatibility, type PreviousSchema } from './compatibility.checker';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from './compatibility.level';

// Each fixture folder holds old.avsc (the latest registered version), new.avsc (the candidate), optionally
// older.avsc (the version before old, for the transitive modes) and expected.json (verdict per mode).
const fixturesDir = join(import.meta.dirname, '../../test/fixtures/compatibility');
const cases = readdirSync(fixturesDir).sort();

function load(dir: string, file: string) {
  return parseSchema(readFileSync(join(dir, file), 'utf8'));
}

describe('compatibility fixtures', () => {
  it('cover at least thirty cases, some with three versions', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((name) => existsSync(join(fixturesDir, name, 'older.avsc'))).length).toBeGreaterThanOrEqual(2);
  });

  for (const name of cases) {
    const dir = join(fixturesDir, name);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<CompatibilityLevel, boolean> & { description: string };
    it.each(COMPATIBILITY_LEVELS)(`${name} under %s`, (level) => {
      const previous: PreviousSchema[] = [];
      if (existsSync(join(dir, 'older.avsc'))) previous.push({ version: 1, ...load(dir, 'older.avsc') });
      previous.push({ version: previous.length + 1, ...load(dir, 'old.avsc') });
      const verdict = checkCompatibility(load(dir, 'new.avsc').type, previous, level);
      expect(verdict.compatible, expected.description).toBe(expected[level]);
      // An incompatible verdict always explains itself; a compatible one says nothing.
      expect(verdict.messages.length > 0).toBe(!expected[level]);
    });
  }
});

describe('verbose messages', () => {
  const old = parseSchema(JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] }));
  const previous = [{ version: 3, ...old }];

  it('name the field added without a default and the version it breaks', () => {
    const candidate = parseSchema(
      JSON.stringify({
        type: 'record',
        name: 'R',
        fields: [
          { name: 'a', type: 'int' },
          { name: 'b', type: 'string' },
        ],
      }),
    );
    const { messages } = checkCompatibility(candidate.type, previous, 'BACKWARD');
    expect(messages[0]).toContain("errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'");
    expect(messages[0]).toContain("The field 'b' at path '/fields/1' in the new schema has no default value");
    expect(messages).toContain('{oldSchemaVersion: 3}');
    expect(messages).toContain("{compatibility: 'BACKWARD'}");
  });

  it('name the path of a narrowed field type', () => {
    const candidate = parseSchema(JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }] }));
    const { messages } = checkCompatibility(candidate.type, previous, 'FORWARD');
    expect(messages[0]).toContain("errorType:'TYPE_MISMATCH'");
    expect(messages[0]).toContain("path '/fields/0/type'");
    expect(messages[0]).toContain('in the old schema does not match with the new schema');
  });

  it('refuse a rename whose alias names the old record in the wrong namespace, saying which full name to alias', () => {
    // Avro's Java SchemaCompatibility qualifies an alias with the record's namespace: 'R' here is other.R.
    const renamed = parseSchema(JSON.stringify({ type: 'record', name: 'S', namespace: 'other', aliases: ['R'], fields: [{ name: 'a', type: 'int' }] }));
    const { compatible, messages } = checkCompatibility(renamed.type, previous, 'BACKWARD');
    expect(compatible).toBe(false);
    expect(messages[0]).toContain("errorType:'NAME_MISMATCH'");
    expect(messages[0]).toContain(`add the old full name 'R' to "aliases"`);
    const aliased = parseSchema(JSON.stringify({ type: 'record', name: 'S', namespace: 'other', aliases: ['.R'], fields: [{ name: 'a', type: 'int' }] }));
    expect(checkCompatibility(aliased.type, previous, 'BACKWARD').compatible).toBe(true);
  });
});
