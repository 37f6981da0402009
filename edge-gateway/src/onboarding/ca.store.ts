import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CaBusy, CaIndexCorrupt, CaNotInitialised } from './errors';
import { CERTIFICATE_TYPES } from './identity';

export const REVOCATION_REASONS = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'privilegeWithdrawn'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

const issuedSchema = z.object({
  serial: z.string().regex(/^[0-9a-f]+$/),
  type: z.enum(CERTIFICATE_TYPES),
  id: z.string(),
  subject: z.string(),
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
  issuedAt: z.iso.datetime(),
  sha256: z.string(),
  revocation: z.object({ at: z.iso.datetime(), reason: z.enum(REVOCATION_REASONS) }).optional(),
});
export type IssuedRecord = z.infer<typeof issuedSchema>;

const indexSchema = z.object({
  version: z.literal(1),
  site: z.string(),
  /** How long each CRL is valid: OpenSSL refuses every client once the broker's CRL is past its nextUpdate. */
  crlValidityDays: z.number().int().positive(),
  /** RFC 5280 wants CRL numbers to increase, so relying parties can tell the newer of two CRLs. */
  crlNumber: z.number().int().nonnegative(),
  certificates: z.array(issuedSchema),
});
export type CaIndex = z.infer<typeof indexSchema>;

/** The files of a CA folder; the folder is the whole CA state, back it up as one. */
export function caFiles(dir: string) {
  return {
    key: join(dir, 'ca.key.pem'),
    certificate: join(dir, 'ca.crt.pem'),
    index: join(dir, 'index.json'),
    crl: join(dir, 'crl.pem'),
    acl: join(dir, 'mosquitto.acl'),
    certs: join(dir, 'certs'),
    lock: join(dir, '.lock'),
  };
}

export function certificateFile(dir: string, serial: string): string {
  return join(caFiles(dir).certs, `${serial}.pem`);
}

export function isInitialised(dir: string): boolean {
  const files = caFiles(dir);
  return existsSync(files.key) || existsSync(files.certificate) || existsSync(files.index);
}

export function readIndex(dir: string): CaIndex {
  const file = caFiles(dir).index;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CaNotInitialised(dir, { cause: error });
    throw new CaIndexCorrupt(file, error instanceof Error ? error.message : String(error), { cause: error });
  }
  const parsed = indexSchema.safeParse(raw);
  if (!parsed.success) throw new CaIndexCorrupt(file, parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  return parsed.data;
}

/**
 * Write-then-rename, so that a reader (Mosquitto re-reading the CRL on SIGHUP, a crashed command) sees the
 * old file or the new one, never half of one.
 */
export function writeAtomically(file: string, content: string, mode = 0o644): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, file);
}

export function writeIndex(dir: string, index: CaIndex): void {
  writeAtomically(caFiles(dir).index, `${JSON.stringify(index, null, 2)}\n`);
}

export function prepareFolder(dir: string): void {
  mkdirSync(caFiles(dir).certs, { recursive: true, mode: 0o700 });
}

/** Runs `work` holding the folder's lock, so that two commands cannot both read the index and lose one's change. */
export async function withLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const lock = caFiles(dir).lock;
  let handle: number;
  try {
    handle = openSync(lock, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CaBusy(lock);
    throw error;
  }
  try {
    writeFileSync(handle, `${process.pid}\n`);
    return await work();
  } finally {
    closeSync(handle);
    rmSync(lock, { force: true });
  }
}
