import { createHmac, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PseudonymisationKeyExposed, PseudonymisationKeyTooShort } from './errors';

/** RFC 2104: an HMAC key shorter than the hash's output (32 bytes for SHA-256) weakens it. */
export const MIN_KEY_BYTES = 32;

/**
 * Stable pseudonyms for personal fields, made at the edge before anything leaves the site: a keyed hash
 * (HMAC-SHA256) with a per-site key that never leaves the gateway's host. The same badge always maps to
 * the same pseudonym, so per-person rollups still work downstream, but the clear value cannot be
 * recovered without the key (EDPB Guidelines 01/2025: the key is the "additional information" kept apart).
 */
export class Pseudonymiser {
  /** The same few badges recur on every reading of a shift: remember their pseudonyms (bounded). */
  private readonly known = new Map<string, string>();

  private constructor(private readonly key: Buffer) {}

  /**
   * Loads the key file, creating it (32 random bytes, mode 0600) on first start. A key shorter than
   * MIN_KEY_BYTES or a file that group or other users may access is refused, never silently replaced:
   * pseudonyms already sent were made with it.
   */
  static async fromKeyFile(path: string): Promise<Pseudonymiser> {
    try {
      return new Pseudonymiser(await loadKeyFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // undefined: another process created the key between our read and our publish, and its key wins.
    return new Pseudonymiser((await createKeyFile(path)) ?? (await loadKeyFile(path)));
  }

  static fromKey(key: Buffer): Pseudonymiser {
    if (key.length < MIN_KEY_BYTES) throw new PseudonymisationKeyTooShort(key.length, MIN_KEY_BYTES);
    return new Pseudonymiser(key);
  }

  /** Identifiers are trimmed and lower-cased first, so ' Badge-17' and 'badge-17' are one person. */
  pseudonymise(value: string): string {
    let pseudonym = this.known.get(value);
    if (pseudonym === undefined) {
      pseudonym = 'ps_' + createHmac('sha256', this.key).update(value.trim().toLowerCase()).digest('base64url').slice(0, 32);
      if (this.known.size >= 10_000) this.known.clear();
      this.known.set(value, pseudonym);
    }
    return pseudonym;
  }
}

/** The key in the file (ENOENT when there is none). Mode and length are checked on the opened file, so a swap between check and read cannot slip through. */
async function loadKeyFile(path: string): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const { mode } = await handle.stat();
    if ((mode & 0o077) !== 0) throw new PseudonymisationKeyExposed(path, mode & 0o777);
    const key = await handle.readFile();
    if (key.length < MIN_KEY_BYTES) throw new PseudonymisationKeyTooShort(key.length, MIN_KEY_BYTES, path);
    return key;
  } finally {
    await handle.close();
  }
}

/**
 * Writes a new key so that a crash at any point leaves either no key file or a complete one: the bytes go
 * to a private temporary file that is fsynced, then published under the final name and the folder is
 * fsynced so the name survives a power cut. link() rather than rename() publishes it, because link never
 * replaces an existing key another process created meanwhile. Returns undefined when that happened.
 */
async function createKeyFile(path: string): Promise<Buffer | undefined> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(MIN_KEY_BYTES);
  const temporary = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(key);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw error;
    }
  } finally {
    await unlink(temporary);
  }
  await syncDirectory(dir);
  return key;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
