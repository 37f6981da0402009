import { AccessDenied, type Action, authorize, can, type Principal, type TokenStore } from '@fieldmesh/auth';
import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable } from '@nestjs/common';

/** The request as the guard leaves it: the verified caller attached. */
export interface AuthedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

export const TOKEN_STORE = Symbol('TokenStore');

function authorizationOf(request: AuthedRequest): string | undefined {
  const header = request.headers.authorization;
  return Array.isArray(header) ? header[0] : header;
}

/**
 * Every API route needs a valid token (catalog:read, which every role has): 401 without one. Writes then
 * check their own action against the resource's domain with `requireAction`.
 */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(@Inject(TOKEN_STORE) private readonly store: TokenStore) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    request.principal = authorize(this.store, authorizationOf(request), 'catalog:read');
    return true;
  }
}

/** The caller's Authorization header, to forward to the registry so it judges the caller itself. */
export const Authorization = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined =>
  authorizationOf(context.switchToHttp().getRequest<AuthedRequest>()),
);

/** The caller the guard verified. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new Error('Caller used on a route without TokenGuard: register the guard globally');
  return principal;
});

/**
 * Throws AccessDenied (403) unless the caller may take `action` on one of `domains` (the first one names the
 * resource in the message).
 */
export function requireAction(principal: Principal, action: Action, resource: string, domains: Array<string | undefined> = [undefined]): void {
  if (!domains.some((domain) => can(principal, action, domain))) throw new AccessDenied(principal, action, resource);
}
