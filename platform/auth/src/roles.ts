/** Who a token speaks for. One role per token; a person with two jobs holds two tokens. */
export const roles = ['domain-owner', 'governance-lead', 'analyst', 'operator', 'service'] as const;
export type Role = (typeof roles)[number];

/** Everything an API protects, named `<resource>:<verb>`; every endpoint maps to exactly one. */
export const actions = [
  'schema:register', // POST /subjects/{s}/versions
  'schema:delete', // DELETE /subjects/...
  'config:write', // PUT/DELETE /config[/s]
  'schema:override', // emergency registration of an unapproved schema (audited)
  'contract:propose', // POST /contracts/proposals
  'contract:review', // approve / reject a proposal
  'contract:deprecate', // deprecate / retire a contract version
  'alert:act', // ack / diagnose / dispatch / verify / close an alert
  'warehouse:query', // run a product's sample query in the console
  'catalog:read', // every GET: catalog, reviews, audit, lineage, SLOs, alerts
] as const;
export type Action = (typeof actions)[number];

/** The identity behind a verified token. `domains` may hold `'*'`, meaning every domain. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  domains: string[];
  /** ISO time after which the token is refused; absent when it never expires. */
  expiresAt?: string;
}

export const ALL_DOMAINS = '*';

/** What each role may do at all. Printed as-is by docs and walked cell by cell by the tests. */
export const PERMISSIONS: Record<Role, readonly Action[]> = {
  'domain-owner': ['schema:register', 'contract:propose', 'contract:deprecate', 'warehouse:query', 'catalog:read'],
  'governance-lead': ['schema:register', 'schema:delete', 'config:write', 'schema:override', 'contract:review', 'contract:deprecate', 'warehouse:query', 'catalog:read'],
  analyst: ['warehouse:query', 'catalog:read'],
  operator: ['alert:act', 'catalog:read'],
  service: ['schema:register', 'catalog:read'],
};

/**
 * The permissions above that hold only for the domains on the token: a domain owner acts for its own
 * domains, an operator works the alerts of its own domains. Other permissions ignore the token's domains.
 */
export const DOMAIN_SCOPED: Record<Role, readonly Action[]> = {
  'domain-owner': ['schema:register', 'contract:propose', 'contract:deprecate'],
  'governance-lead': [],
  analyst: [],
  operator: ['alert:act'],
  service: [],
};

/**
 * The one permission check every API uses. A domain-scoped permission asked without a domain is granted
 * only to a token for all domains (`'*'`): without the domain, ownership cannot be shown.
 */
export function can(principal: Principal, action: Action, domain?: string): boolean {
  if (!PERMISSIONS[principal.role].includes(action)) return false;
  if (!DOMAIN_SCOPED[principal.role].includes(action)) return true;
  if (principal.domains.includes(ALL_DOMAINS)) return true;
  return domain !== undefined && principal.domains.includes(domain);
}
