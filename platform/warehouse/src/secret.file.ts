import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The secret kept in `file`, made (32 hex characters, mode 0600) when the file does not exist yet, so
 * that applying again keeps every user's password. Secrets live in files, never on command lines.
 */
export function readOrCreateSecret(file: string): string {
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length > 0) return secret;
  }
  const secret = randomBytes(16).toString('hex');
  writePrivateFile(file, `${secret}\n`);
  return secret;
}

/** Writes `text` readable by the owner only, through a rename so that a reader never sees half a file. */
export function writePrivateFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.partial`;
  writeFileSync(partial, text, { mode: 0o600 });
  chmodSync(partial, 0o600);
  renameSync(partial, file);
}
