import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// `fmt_<8 hex id>_<43 base64url chars>`: the id lets the store find the record without scanning hashes,
// the 32 random bytes of secret are what the sha256 at rest protects. base64url may itself contain '_',
// hence the fixed-width pattern rather than a split.
const TOKEN_PATTERN = /^fmt_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export interface ParsedToken {
  id: string;
  secret: string;
}

export function newToken(): { token: string; id: string; sha256: string } {
  const id = randomBytes(4).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `fmt_${id}_${secret}`, id, sha256: sha256Hex(secret) };
}

export function parseToken(token: string): ParsedToken | undefined {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return undefined;
  return { id: match[1] as string, secret: match[2] as string };
}

export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of the secret's hash against the stored one, so timing reveals nothing. */
export function secretMatches(secret: string, storedSha256: string): boolean {
  const actual = Buffer.from(sha256Hex(secret), 'hex');
  const expected = Buffer.from(storedSha256, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
