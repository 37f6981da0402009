import { z } from 'zod';
import { ALL_DOMAINS, roles } from './roles';

export const domainSchema = z.string().regex(/^(\*|[a-z][a-z0-9-]*)$/, `must be a domain name such as asset-health, or '${ALL_DOMAINS}' for every domain`);

/** One issued token as kept at rest: never the secret, only its sha256. */
export const tokenRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{8}$/, 'must be 8 hex digits'),
  name: z.string().min(1, 'must name who holds the token'),
  role: z.enum(roles),
  domains: z.array(domainSchema),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the hex sha256 of the token secret'),
  createdAt: z.iso.datetime(),
  /** Absent: the token never expires (files written before expiry existed). */
  expiresAt: z.iso.datetime().optional(),
});
export type TokenRecord = z.output<typeof tokenRecordSchema>;

export const tokensFileSchema = z.object({ tokens: z.array(tokenRecordSchema) }).superRefine((file, context) => {
  const seen = new Set<string>();
  file.tokens.forEach((token, index) => {
    if (seen.has(token.id)) context.addIssue({ code: 'custom', path: ['tokens', index, 'id'], message: `duplicate token id ${token.id}` });
    seen.add(token.id);
  });
});
export type TokensFile = z.output<typeof tokensFileSchema>;

export const issueRequestSchema = z.strictObject({
  name: z.string().trim().min(1, 'must name who holds the token'),
  role: z.enum(roles),
  domains: z.array(domainSchema),
  expiresAt: z.date().optional(),
});
