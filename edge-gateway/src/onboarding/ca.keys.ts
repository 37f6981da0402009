import { webcrypto } from 'node:crypto';
import { PemConverter } from './x509';

/**
 * ECDSA P-256 for the CA and for devices: small keys and signatures (cheap on constrained devices and
 * in every TLS handshake), supported by OpenSSL in Mosquitto, Node's TLS and every MQTT client we know.
 */
export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

export function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

/** PKCS#8 PEM ('PRIVATE KEY'), as OpenSSL, Mosquitto and Node's TLS read it. */
export async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

export function importSigningKey(pem: string): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', PemConverter.decodeFirst(pem), KEY_ALGORITHM, false, ['sign']);
}
