import { InvalidIdentity } from './errors';

/**
 * What a certificate is for. Devices and gateways are MQTT clients (clientAuth); the broker is the TLS
 * server they connect to (serverAuth, with subject alternative names); an operator signs gateways' desired
 * states (codeSigning alone, not clientAuth; a device's key cannot sign a desired state).
 */
export const CERTIFICATE_TYPES = ['device', 'gateway', 'broker', 'operator'] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];

// The id becomes the CN, the MQTT username and a topic level in ACL patterns: '/', '+', '#' or spaces
// there would widen what an ACL pattern grants, so only a conservative alphabet is allowed.
const IDENTITY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkIdentity(id: string): string {
  if (!IDENTITY.test(id)) throw new InvalidIdentity(id, id.length > 64 ? 'it is longer than 64 characters' : 'it contains characters that MQTT topics or names treat specially');
  return id;
}

/** The certificate subject: CN is the identity, OU its type, O the site, so `openssl x509 -subject` tells all three. */
export function subjectFor(type: CertificateType, id: string, site: string): string {
  return `CN=${checkIdentity(id)}, OU=${type}, O=${site}`;
}
