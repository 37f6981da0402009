import { describe, expect, it } from 'vitest';
import { diffAvroSchemas } from './schema.diff';

const record = (fields: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'record', name: 'Reading', namespace: 'fieldmesh.test', fields, ...extra });

describe('diffAvroSchemas', () => {
  it('reports added and removed fields with their types and defaults', () => {
    const before = record([
      { name: 'id', type: 'string' },
      { name: 'legacy', type: 'int' },
    ]);
    const after = record([
      { name: 'id', type: 'string' },
      { name: 'quality', type: ['null', 'double'], default: null },
    ]);
    expect(diffAvroSchemas(before, after)).toEqual([
      { path: 'quality', change: 'added', after: 'null | double = null' },
      { path: 'legacy', change: 'removed', before: 'int' },
    ]);
  });

  it('reports type, default and doc changes of one field', () => {
    const before = record([{ name: 'value', type: 'float', default: 0, doc: 'Reading' }]);
    const after = record([{ name: 'value', type: 'double', default: 1, doc: 'Reading in SI units' }]);
    expect(diffAvroSchemas(before, after)).toEqual([
      { path: 'value', change: 'type-changed', before: 'float', after: 'double' },
      { path: 'value', change: 'default-changed', before: '0', after: '1' },
      { path: 'value', change: 'doc-changed', before: 'Reading', after: 'Reading in SI units' },
    ]);
  });

  it('names logical types and enum symbols so their changes are visible', () => {
    const before = record([
      { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'role', type: { type: 'enum', name: 'Role', symbols: ['CHAMPION', 'SHADOW'] } },
    ]);
    const after = record([
      { name: 'at', type: { type: 'long', logicalType: 'timestamp-micros' } },
      { name: 'role', type: { type: 'enum', name: 'Role', symbols: ['CHAMPION', 'SHADOW', 'CANARY'] } },
    ]);
    expect(diffAvroSchemas(before, after)).toEqual([
      { path: 'at', change: 'type-changed', before: 'long (timestamp-millis)', after: 'long (timestamp-micros)' },
      { path: 'role', change: 'type-changed', before: 'enum Role {CHAMPION, SHADOW}', after: 'enum Role {CHAMPION, SHADOW, CANARY}' },
    ]);
  });

  it('walks into nested records, arrays of records and records referenced by name', () => {
    const contributor = (fields: unknown[]) => ({ type: 'record', name: 'Contributor', fields });
    const location = (fields: unknown[]) => ({ type: 'record', name: 'Location', fields });
    const before = record([
      { name: 'location', type: ['null', location([{ name: 'site', type: 'string' }])], default: null },
      {
        name: 'contributors',
        type: {
          type: 'array',
          items: contributor([
            { name: 'feature', type: 'string' },
            { name: 'share', type: 'float' },
          ]),
        },
      },
      { name: 'top', type: ['null', 'fieldmesh.test.Contributor'], default: null },
    ]);
    const after = record([
      {
        name: 'location',
        type: [
          'null',
          location([
            { name: 'site', type: 'string' },
            { name: 'line', type: 'string', default: '' },
          ]),
        ],
        default: null,
      },
      {
        name: 'contributors',
        type: {
          type: 'array',
          items: contributor([
            { name: 'feature', type: 'string' },
            { name: 'share', type: 'double' },
          ]),
        },
      },
      { name: 'top', type: ['null', 'Contributor'], default: null },
    ]);
    expect(diffAvroSchemas(before, after)).toEqual([
      { path: 'location.line', change: 'added', after: 'string = ""' },
      { path: 'contributors[].share', change: 'type-changed', before: 'float', after: 'double' },
      { path: 'top.share', change: 'type-changed', before: 'float', after: 'double' },
    ]);
  });

  it('treats a field renamed with an alias as one field', () => {
    const before = record([{ name: 'temp', type: 'double' }]);
    const after = record([{ name: 'temperature', type: 'double', aliases: ['temp'] }]);
    expect(diffAvroSchemas(before, after)).toEqual([{ path: 'temperature', change: 'added', before: 'temp', after: "renamed from 'temp' (alias kept)" }]);
  });

  it('terminates on a recursive schema', () => {
    const node = (extra: unknown[]) => ({
      type: 'record',
      name: 'Node',
      fields: [{ name: 'label', type: 'string' }, { name: 'children', type: { type: 'array', items: 'Node' } }, ...extra],
    });
    expect(diffAvroSchemas(node([]), node([{ name: 'weight', type: 'double', default: 1 }]))).toEqual([{ path: 'weight', change: 'added', after: 'double = 1' }]);
  });

  it('reports nothing for identical schemas', () => {
    const schema = record([{ name: 'id', type: 'string', doc: 'Asset id' }]);
    expect(diffAvroSchemas(schema, structuredClone(schema))).toEqual([]);
  });
});
