import { randomBytes } from 'node:crypto';
import { InvalidSerial } from './errors';

/**
 * 16 random bytes as RFC 5280 asks (positive, at most 20 octets), unguessable and unique without a counter.
 * The top bit is clear to keep it positive and the next one set so that it never has a leading zero byte.
 */
export function newSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Lower-case hex without leading zeros or separators, so `0A:1B` (openssl's style) and `a1b` name the same certificate. */
export function normaliseSerial(serial: string): string {
  const hex = serial
    .replace(/[:\s]/g, '')
    .toLowerCase()
    .replace(/^0+(?=.)/, '');
  if (!/^[0-9a-f]+$/.test(hex)) throw new InvalidSerial(serial);
  return hex;
}
