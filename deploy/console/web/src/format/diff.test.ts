import { describe, expect, it } from 'vitest';
import type { ProposalAnalysis } from '../../../src/api/types';
import { declaredCompatibility, diffRows, diffSummary } from './diff';

function analysis(overrides: Partial<ProposalAnalysis>): ProposalAnalysis {
  const verdict = { compatible: true, messages: [] };
  return {
    fieldChanges: [],
    compatibility: { BACKWARD: verdict, BACKWARD_TRANSITIVE: verdict, FORWARD: verdict, FORWARD_TRANSITIVE: verdict, FULL: verdict, FULL_TRANSITIVE: verdict, NONE: verdict },
    breaking: false,
    privacy: { newlyPersonal: [], classificationChanges: [], maskingChanges: [] },
    retention: { kafka: { after: 'P7D' }, warehouse: { after: 'P365D' } },
    slos: [],
    metadata: [],
    downstream: [],
    changelog: [],
    ...overrides,
  };
}

describe('the proposal diff table', () => {
  it('flags an added field that is personal as a privacy change', () => {
    const rows = diffRows(
      analysis({
        fieldChanges: [{ path: 'operatorId', change: 'added', after: 'string' }],
        privacy: { newlyPersonal: ['operatorId'], classificationChanges: [], maskingChanges: [] },
      }),
    );
    expect(rows).toEqual([{ path: 'operatorId', change: 'added', before: undefined, after: 'string', privacy: true }]);
  });

  it('adds classification and masking changes as rows of their own, grouped with the field', () => {
    const rows = diffRows(
      analysis({
        fieldChanges: [
          { path: 'score', change: 'doc-changed', before: 'a', after: 'b' },
          { path: 'assetPath', change: 'type-changed', before: 'string', after: 'int' },
        ],
        privacy: {
          newlyPersonal: ['assetPath'],
          classificationChanges: [{ field: 'assetPath', before: 'internal', after: 'personal' }],
          maskingChanges: [{ field: 'assetPath', before: 'none', after: 'pseudonymise' }],
        },
      }),
    );
    expect(rows.map((row) => [row.path, row.change, row.privacy])).toEqual([
      ['assetPath', 'type-changed', true],
      ['assetPath', 'classification-changed', true],
      ['assetPath', 'masking-changed', true],
      ['score', 'doc-changed', false],
    ]);
  });

  it('still shows a field that became personal when no other list names it', () => {
    const rows = diffRows(analysis({ privacy: { newlyPersonal: ['email'], classificationChanges: [], maskingChanges: [] } }));
    expect(rows).toEqual([{ path: 'email', change: 'classification-changed', before: undefined, after: 'personal', privacy: true }]);
  });

  it('summarises the riskiest kinds of change first', () => {
    const rows = diffRows(
      analysis({
        fieldChanges: [
          { path: 'a', change: 'added', after: 'int' },
          { path: 'b', change: 'added', after: 'int' },
          { path: 'c', change: 'removed', before: 'int' },
        ],
      }),
    );
    expect(diffSummary(rows)).toBe('1 removed, 2 added');
    expect(diffSummary([])).toBe('No field changes');
  });

  it('reads the compatibility mode the proposed contract declares', () => {
    expect(declaredCompatibility({ compatibility: 'BACKWARD_TRANSITIVE' })).toBe('BACKWARD_TRANSITIVE');
    expect(declaredCompatibility({})).toBeUndefined();
    expect(declaredCompatibility(null)).toBeUndefined();
  });
});
