import { AccessDenied, Unauthenticated } from './errors';
import { type Action, can, type Principal } from './roles';
import type { TokenCheck, TokenStore } from './token.store';

/**
 * The principal behind an `Authorization` header: `Bearer <token>`, or `Basic base64(<anything>:<token>)`
 * so that Confluent clients configured with `basic.auth.user.info=<user>:<token>` work unchanged.
 * `undefined` when the header is missing, malformed or carries a token the store refuses (also an expired one).
 */
export function principalFromHeaders(store: TokenStore, authorization: string | undefined): Principal | undefined {
  const checked = checkHeader(store, authorization);
  return checked.status === 'valid' ? checked.principal : undefined;
}

function checkHeader(store: TokenStore, authorization: string | undefined): TokenCheck {
  const token = tokenFromHeader(authorization);
  return token === undefined ? { status: 'unknown' } : store.check(token);
}

function tokenFromHeader(authorization: string | undefined): string | undefined {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(authorization ?? '');
  if (!match) return undefined;
  const [, scheme = '', credentials = ''] = match;
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return credentials;
    case 'basic': {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon === -1 ? undefined : decoded.slice(colon + 1);
    }
    default:
      return undefined;
  }
}

export interface AuthorizeTarget {
  /** The domain acted on, for domain-scoped permissions (see `can`); undefined when the request names none. */
  domain?: string | undefined;
  /** What the 403 message names (a subject, contract id or proposal id); defaults to the domain. */
  resource?: string | undefined;
}

/**
 * The check every protected endpoint makes: returns the caller's principal, or throws `Unauthenticated`
 * (HTTP 401) when there is no acceptable token (saying so when it has expired) and `AccessDenied` (HTTP 403) when the role or the token's
 * domains do not allow `action`.
 */
export function authorize(store: TokenStore, authorization: string | undefined, action: Action, target: AuthorizeTarget = {}): Principal {
  const checked = checkHeader(store, authorization);
  if (checked.status === 'expired') {
    throw new Unauthenticated(
      `token ${checked.principal.tokenId} of ${checked.principal.name} expired at ${checked.expiredAt}; ask for a new one (\`fieldmesh tokens rotate ${checked.principal.tokenId}\`)`,
    );
  }
  if (checked.status === 'unknown') {
    throw new Unauthenticated(
      authorization === undefined || authorization.trim() === '' ? `operation ${action} needs a token and none was sent` : 'the token is malformed, unknown or revoked',
    );
  }
  const { principal } = checked;
  if (!can(principal, action, target.domain)) throw new AccessDenied(principal, action, target.resource ?? target.domain ?? '*');
  return principal;
}
