import type { FieldChange, ProposalAnalysis } from '../../../src/api/types';

/** One row of the proposal page's field-by-field diff. */
export interface DiffRow {
  path: string;
  change: FieldChange['change'] | 'classification-changed' | 'masking-changed';
  before: string | undefined;
  after: string | undefined;
  /** The change touches personal data: a field became personal, or its classification or masking changed. */
  privacy: boolean;
}

const ORDER: Record<DiffRow['change'], number> = {
  removed: 0,
  'type-changed': 1,
  added: 2,
  'classification-changed': 3,
  'masking-changed': 4,
  'default-changed': 5,
  'unit-changed': 6,
  'doc-changed': 7,
};

/**
 * The schema changes and the privacy changes of a proposal as one table, grouped by field, the riskiest
 * change of a field first (removals and type changes break readers; privacy changes need the lead's eye).
 */
export function diffRows(analysis: ProposalAnalysis): DiffRow[] {
  const personal = new Set(analysis.privacy.newlyPersonal);
  const rows: DiffRow[] = analysis.fieldChanges.map((change) => ({
    path: change.path,
    change: change.change,
    before: change.before,
    after: change.after,
    privacy: personal.has(change.path),
  }));
  for (const change of analysis.privacy.classificationChanges)
    rows.push({ path: change.field, change: 'classification-changed', before: change.before, after: change.after, privacy: true });
  for (const change of analysis.privacy.maskingChanges) rows.push({ path: change.field, change: 'masking-changed', before: change.before, after: change.after, privacy: true });
  // A newly personal field that is neither added nor reclassified in the lists above still gets its row.
  for (const field of personal)
    if (!rows.some((row) => row.path === field)) rows.push({ path: field, change: 'classification-changed', before: undefined, after: 'personal', privacy: true });
  return rows.sort((a, b) => a.path.localeCompare(b.path) || ORDER[a.change] - ORDER[b.change]);
}

/** How many rows of each change kind, for the summary line above the table (`2 added, 1 removed`). */
export function diffSummary(rows: readonly DiffRow[]): string {
  if (rows.length === 0) return 'No field changes';
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.change, (counts.get(row.change) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => ORDER[a as DiffRow['change']] - ORDER[b as DiffRow['change']])
    .map(([change, count]) => `${count} ${change}`)
    .join(', ');
}

/** The compatibility mode a contract declares, read from the proposed contract (untyped JSON on the wire). */
export function declaredCompatibility(contract: unknown): string | undefined {
  if (typeof contract !== 'object' || contract === null) return undefined;
  const mode = (contract as { compatibility?: unknown }).compatibility;
  return typeof mode === 'string' ? mode : undefined;
}
