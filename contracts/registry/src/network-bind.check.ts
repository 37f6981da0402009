import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { UnauthenticatedNetworkBind } from './errors';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** Whether listening on `host` keeps the registry on this machine. A name other than localhost counts as network. */
export function isLoopbackHost(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/, '$1');
  if (address.toLowerCase() === 'localhost') return true;
  if (isIPv4(address)) return loopback.check(address, 'ipv4');
  if (isIPv6(address)) return loopback.check(address, 'ipv6');
  return false;
}

export interface BindSettings {
  host: string;
  /** Whether writes need a token (the registry runs governed). */
  authenticated: boolean;
  allowUnauthenticatedNetworkBind?: boolean | undefined;
}

/**
 * Throws UnauthenticatedNetworkBind when the registry would listen beyond this machine with no tokens; returns
 * the warning to log at start when the operator opted out of that refusal, `undefined` otherwise.
 */
export function checkNetworkBind({ host, authenticated, allowUnauthenticatedNetworkBind }: BindSettings): string | undefined {
  if (authenticated || isLoopbackHost(host)) return undefined;
  if (!allowUnauthenticatedNetworkBind) throw new UnauthenticatedNetworkBind(host);
  return (
    `Listening on ${host} without authentication because allowUnauthenticatedNetworkBind (FIELDMESH_REGISTRY_ALLOW_UNAUTHENTICATED_NETWORK_BIND) is set: ` +
    'anyone who reaches this address can register, delete and reconfigure schemas. Set governance.tokensFile (FIELDMESH_REGISTRY_TOKENS_FILE) to require tokens.'
  );
}
