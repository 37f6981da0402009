import { describe, expect, it } from 'vitest';
import { actions, can, type Action, type Principal, PERMISSIONS, type Role, roles } from './roles';

// The matrix as the issue and the spec state it, written out independently of PERMISSIONS:
// 'any' = in every domain, 'own' = only in the token's domains, '-' = never.
type Grant = 'any' | 'own' | '-';
const expected: Record<Role, Record<Action, Grant>> = {
  'domain-owner': {
    'schema:register': 'own',
    'schema:delete': '-',
    'config:write': '-',
    'schema:override': '-',
    'contract:propose': 'own',
    'contract:review': '-',
    'contract:deprecate': 'own',
    'alert:act': '-',
    'warehouse:query': 'any',
    'catalog:read': 'any',
  },
  'governance-lead': {
    'schema:register': 'any',
    'schema:delete': 'any',
    'config:write': 'any',
    'schema:override': 'any',
    'contract:propose': '-',
    'contract:review': 'any',
    'contract:deprecate': 'any',
    'alert:act': '-',
    'warehouse:query': 'any',
    'catalog:read': 'any',
  },
  analyst: {
    'schema:register': '-',
    'schema:delete': '-',
    'config:write': '-',
    'schema:override': '-',
    'contract:propose': '-',
    'contract:review': '-',
    'contract:deprecate': '-',
    'alert:act': '-',
    'warehouse:query': 'any',
    'catalog:read': 'any',
  },
  operator: {
    'schema:register': '-',
    'schema:delete': '-',
    'config:write': '-',
    'schema:override': '-',
    'contract:propose': '-',
    'contract:review': '-',
    'contract:deprecate': '-',
    'alert:act': 'own',
    'warehouse:query': '-',
    'catalog:read': 'any',
  },
  service: {
    'schema:register': 'any',
    'schema:delete': '-',
    'config:write': '-',
    'schema:override': '-',
    'contract:propose': '-',
    'contract:review': '-',
    'contract:deprecate': '-',
    'alert:act': '-',
    'warehouse:query': '-',
    'catalog:read': 'any',
  },
};

const principal = (role: Role, domains: string[]): Principal => ({ tokenId: '0badc0de', name: `${role}-token`, role, domains });

const cells = roles.flatMap((role) => actions.map((action) => ({ role, action, grant: expected[role][action] })));

describe('can(): the role × action matrix', () => {
  it.each(cells)('$role / $action: $grant', ({ role, action, grant }) => {
    const holder = principal(role, ['asset-health']);
    expect(can(holder, action, 'asset-health')).toBe(grant !== '-');
    expect(can(holder, action, 'energy')).toBe(grant === 'any');
  });

  it('PERMISSIONS lists exactly the granted actions of each role', () => {
    for (const role of roles) {
      expect([...PERMISSIONS[role]].sort()).toEqual(actions.filter((action) => expected[role][action] !== '-').sort());
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
