import { isIPv6 } from 'node:net';
import { RegistryErrors } from '../errors';
import type { RequestCheck } from './request.gate';

/** The names a registry answers for when none are configured, besides the address it listens on. */
export const LOOPBACK_HOST_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

// A wildcard bind address is not a name a client reaches the registry by; browsers even sent requests
// for http://0.0.0.0 to this machine, so it is never accepted by default.
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '[::]']);

/** The loopback names plus the bind host (IPv6 bracketed, as a Host header writes it). */
export function defaultAllowedHosts(bindHost: string): string[] {
  const bound = isIPv6(bindHost) ? `[${bindHost}]` : bindHost.toLowerCase();
  return [...new Set<string>([...LOOPBACK_HOST_NAMES, ...(WILDCARD_ADDRESSES.has(bound) ? [] : [bound])])];
}

/**
 * Refuses (421) a request whose Host header names a host not in `allowed`, whatever the port. A web page
 * whose own name an attacker re-points at this machine (DNS rebinding) reaches the registry with the
 * attacker's name in Host; checking it keeps such pages from reading or writing schemas.
 */
export function refuseUnknownHost(allowed: readonly string[]): RequestCheck {
  const names = new Set(allowed.map((name) => name.toLowerCase()));
  return (request) => {
    const header = request.headers.host;
    const host = typeof header === 'string' ? hostOf(header) : '';
    return names.has(host) ? undefined : RegistryErrors.misdirectedHost(host === '' ? '(no Host header)' : host, allowed);
  };
}

/** `Registry.Plant:8081` → `registry.plant`, `[::1]:8081` → `[::1]`; a trailing dot names the same host. */
export function hostOf(header: string): string {
  const value = header.trim().toLowerCase();
  const end = value.startsWith('[') ? value.indexOf(']') + 1 : value.indexOf(':');
  const host = end > 0 ? value.slice(0, end) : value;
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
