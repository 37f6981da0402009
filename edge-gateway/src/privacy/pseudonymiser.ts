import { createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

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

  /** Loads the key file, creating it (32 random bytes, mode 0600) on first start. */
  static async fromKeyFile(path: string): Promise<Pseudonymiser> {
    try {
      return new Pseudonymiser(await readFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = randomBytes(32);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, key, { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600);
    return new Pseudonymiser(key);
  }

  static fromKey(key: Buffer): Pseudonymiser {
    if (key.length < 16) throw new RangeError('A pseudonymisation key needs at least 16 bytes');
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
