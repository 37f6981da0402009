import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { can, type Action } from '@fieldmesh/auth';
import type { Principal } from '../../../src/api/types';
import { request, tokenStorage, whenUnauthorised } from '../api/api.client';

interface Session {
  principal: Principal | undefined;
  /** True while a stored token is being checked at start. */
  checking: boolean;
  signIn: (token: string) => Promise<void>;
  signOut: () => void;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [principal, setPrincipal] = useState<Principal>();
  const [checking, setChecking] = useState(() => tokenStorage.get() !== null);

  const signOut = useCallback(() => {
    tokenStorage.clear();
    setPrincipal(undefined);
  }, []);

  const signIn = useCallback(async (token: string) => {
    const who = await request<Principal>('GET', '/api/whoami', undefined, token);
    tokenStorage.set(token);
    setPrincipal(who);
  }, []);

  useEffect(() => {
    whenUnauthorised(signOut);
    const stored = tokenStorage.get();
    if (!stored) return;
    signIn(stored)
      .catch(signOut)
      .finally(() => setChecking(false));
  }, [signIn, signOut]);

  const value = useMemo(() => ({ principal, checking, signIn, signOut }), [principal, checking, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession is used outside <SessionProvider>: wrap the app in it (see main.tsx).');
  return session;
}

/**
 * Whether the signed-in principal may take `action` (on `domain`), by the platform's one permission
 * matrix; the server checks again, this only keeps buttons honest. Returns the reason when it may not.
 */
export function usePermission(action: Action, domain?: string | readonly string[]): { allowed: boolean; reason: string } {
  const { principal } = useSession();
  if (!principal) return { allowed: false, reason: 'Sign in first.' };
  // Several domains: any of them grants it (an alert belongs to its domain and to its line).
  const domains = domain === undefined ? [undefined] : typeof domain === 'string' ? [domain] : domain;
  if (domains.some((one) => can(principal, action, one))) return { allowed: true, reason: '' };
  const scope = domain === undefined ? '' : ` on ${domains.join(' or ')}`;
  return { allowed: false, reason: `${principal.name} (role ${principal.role}) may not ${action}${scope}.` };
}
