import { AccessDenied, type Action, authorize, type AuthorizeTarget, type Principal, TokenStore, Unauthenticated } from '@fieldmesh/auth';
import { RegistryErrors } from '../errors';

/**
 * The registry's access check. Open (no tokens file configured): everything is allowed and there is no
 * principal, as before governance existed. Governed: `authorize` answers the caller's principal or throws
 * the registry's 401 (40101) / 403 (40301) errors. The guard calls it for `@RequiresAction` routes; a
 * handler calls it for checks that need the request's content or the registry's state (the emergency
 * override header, the domain of a stored contract).
 */
export class RegistryAuth {
  private constructor(private readonly store: TokenStore | undefined) {}

  static open(): RegistryAuth {
    return new RegistryAuth(undefined);
  }

  static async governed(tokensFile: string): Promise<RegistryAuth> {
    return new RegistryAuth(await TokenStore.open(tokensFile));
  }

  get isGoverned(): boolean {
    return this.store !== undefined;
  }

  /** The caller's principal when allowed; `undefined` in open mode. Throws a 401/403 RegistryError otherwise. */
  authorize(authorization: string | undefined, action: Action, target?: AuthorizeTarget): Principal | undefined {
    if (!this.store) return undefined;
    try {
      return authorize(this.store, authorization, action, target);
    } catch (error) {
      if (error instanceof Unauthenticated) throw RegistryErrors.unauthorized(error.reason);
      if (error instanceof AccessDenied) throw RegistryErrors.forbidden({ name: error.principalName, role: error.role }, error.action, error.resource);
      throw error;
    }
  }
}
