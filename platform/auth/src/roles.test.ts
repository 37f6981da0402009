import { describe, expect, it } from 'vitest';
import { actions, can, type Action, type Principal, PERMISSIONS, type Role, roles } from './roles';

// The matrix as the issue and the spec state it, written out independently of PERMISSIONS: a row per action, a
// column per role; 'any' = in every domain, 'own' = only in the token's domains, '-' = never.
type Grant = 'any' | 'own' | '-';
const columns: Role[] = ['domain-owner', 'governance-lead', 'analyst', 'operator', 'service'];
const matrix: Record<Action, [Grant, Grant, Grant, Grant, Grant]> = {
  // domain-owner, governance-lead, analyst, operator, service
  'schema:register': ['own', 'any', '-', '-', 'any'],
  'schema:delete': ['-', 'any', '-', '-', '-'],
  'config:write': ['-', 'any', '-', '-', '-'],
  'schema:override': ['-', 'any', '-', '-', '-'],
  'contract:propose': ['own', '-', '-', '-', '-'],
  'contract:review': ['-', 'any', '-', '-', '-'],
  'contract:deprecate': ['own', 'any', '-', '-', '-'],
  'alert:act': ['-', '-', '-', 'own', '-'],
  'warehouse:query': ['any', 'any', 'any', '-', '-'],
  'catalog:read': ['any', 'any', 'any', 'any', 'any'],
};
const expected = (role: Role, action: Action): Grant => matrix[action][columns.indexOf(role)]!;

const principal = (role: Role, domains: string[]): Principal => ({ tokenId: '0badc0de', name: `${role}-token`, role, domains });

const cells = roles.flatMap((role) => actions.map((action) => ({ role, action, grant: expected(role, action) })));

describe('can(): the role × action matrix', () => {
  it('the matrix has a column for each role', () => {
    expect([...columns].sort()).toEqual([...roles].sort());
  });

  it.each(cells)('$role / $action: $grant', ({ role, action, grant }) => {
    const holder = principal(role, ['asset-health']);
    expect(can(holder, action, 'asset-health')).toBe(grant !== '-');
    expect(can(holder, action, 'energy')).toBe(grant === 'any');
  });

  it('PERMISSIONS lists exactly the granted actions of each role', () => {
    for (const role of roles) {
      expect([...PERMISSIONS[role]].sort()).toEqual(actions.filter((action) => expected(role, action) !== '-').sort());
    }
  });

  it("a token for '*' acts for every domain", () => {
    const owner = principal('domain-owner', ['*']);
    expect(can(owner, 'contract:propose', 'energy')).toBe(true);
    expect(can(owner, 'contract:propose')).toBe(true);
  });

  it('a domain-scoped action asked without a domain is refused unless the token is for every domain', () => {
    expect(can(principal('domain-owner', ['asset-health']), 'contract:propose')).toBe(false);
    expect(can(principal('operator', ['asset-health']), 'alert:act')).toBe(false);
    expect(can(principal('governance-lead', []), 'contract:review')).toBe(true);
  });

  it('a token for several domains acts for each of them', () => {
    const owner = principal('domain-owner', ['asset-health', 'energy']);
    expect(can(owner, 'schema:register', 'energy')).toBe(true);
    expect(can(owner, 'schema:register', 'plant-telemetry')).toBe(false);
  });
});
