import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseWith, type Problem } from '@fieldmesh/config';
import { TokenNotFound, TokenRequestInvalid, TokenStoreInsecure, TokenStoreInvalid, TokenStoreIoFailed } from './errors';
import { DOMAIN_SCOPED, type Principal, type Role } from './roles';
import { newToken, parseToken, secretMatches } from './token.codec';
import { issueRequestSchema, type TokenRecord, tokensFileSchema } from './tokens-file.schema';

const FILE_MODE = 0o600;

/**
 * API tokens kept in a JSON file, hashed at rest (sha256 of the secret; the plaintext is returned once, by
 * issue()). Several processes share one file: the CLI issues a token while the registry and the console
 * run. Every read first checks the file's inode, mtime and size and reloads it when another process has
 * replaced it, so a new or revoked token counts at once without a restart. Writes go to a temporary file
 * that is renamed over the old one, so a reader never sees half a file; writes of one store are serialised.
 */
export class TokenStore {
  private records: TokenRecord[] = [];
  /** Identity of the file version `records` came from; `undefined` forces the next read. */
  private loadedVersion: string | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(readonly file: string) {}

  /** Opens the store at `file`, creating an empty one (and its directory) if it does not exist. */
  static async open(file: string): Promise<TokenStore> {
    const store = new TokenStore(resolve(file));
    await store.createIfMissing();
    store.reloadIfChanged();
    return store;
  }

  /** Issues a token. The plaintext is in the result and nowhere else: hand it to its holder now. */
  async issue(input: { name: string; role: Role; domains: string[] }): Promise<{ token: string; principal: Principal }> {
    const request = validIssueRequest(input);
    let issued: { token: string; principal: Principal } | undefined;
    await this.mutate((records) => {
      let fresh = newToken();
      while (records.some((record) => record.id === fresh.id)) fresh = newToken();
      const record: TokenRecord = { id: fresh.id, ...request, sha256: fresh.sha256, createdAt: new Date().toISOString() };
      issued = { token: fresh.token, principal: principalOf(record) };
      return [...records, record];
    });
    return issued as { token: string; principal: Principal };
  }

  /** Removes a token for good; every process sharing the file refuses it from its next request on. */
  async revoke(tokenId: string): Promise<void> {
    await this.mutate((records) => {
      if (!records.some((record) => record.id === tokenId)) throw new TokenNotFound(tokenId, this.file);
      return records.filter((record) => record.id !== tokenId);
    });
  }

  /** The principal of a valid token; `undefined` for a malformed, unknown, revoked or tampered one. */
  verify(token: string): Principal | undefined {
    const parsed = parseToken(token.trim());
    if (!parsed) return undefined;
    this.reloadIfChanged();
    const record = this.records.find((candidate) => candidate.id === parsed.id);
    if (!record || !secretMatches(parsed.secret, record.sha256)) return undefined;
    return principalOf(record);
  }

  list(): Principal[] {
    this.reloadIfChanged();
    return this.records.map(principalOf);
  }

  private async createIfMissing(): Promise<void> {
    try {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      const handle = await open(this.file, 'wx', FILE_MODE);
      await handle.writeFile(serialise([]));
      await handle.close();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw new TokenStoreIoFailed(this.file, 'write', { cause: error });
    }
  }

  // Synchronous so that verify() can stay synchronous for guards; a stat per request costs microseconds.
  private reloadIfChanged(): void {
    let stats;
    try {
      stats = statSync(this.file, { bigint: true, throwIfNoEntry: false });
    } catch (error) {
      throw new TokenStoreIoFailed(this.file, 'read', { cause: error });
    }
    if (stats === undefined) {
      // A deleted file revokes every token: fail closed rather than keep trusting a cached copy.
      this.records = [];
      this.loadedVersion = undefined;
      return;
    }
    const version = `${stats.ino}:${stats.mtimeNs}:${stats.size}`;
    if (version === this.loadedVersion) return;
    if ((Number(stats.mode) & 0o077) !== 0) throw new TokenStoreInsecure(this.file, Number(stats.mode) & 0o777);
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      throw new TokenStoreIoFailed(this.file, 'read', { cause: error });
    }
    this.records = parseTokensFile(this.file, text);
    this.loadedVersion = version;
  }

  private mutate(change: (records: TokenRecord[]) => TokenRecord[]): Promise<void> {
    const next = this.writes.then(async () => {
      // Start from what is on disk now, so a token another process issued a moment ago is kept.
      this.reloadIfChanged();
      await this.writeAtomically(change(this.records));
      this.reloadIfChanged();
    });
    this.writes = next.catch(() => undefined);
    return next;
  }

  private async writeAtomically(records: TokenRecord[]): Promise<void> {
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await open(temporary, 'wx', FILE_MODE);
      try {
        await handle.writeFile(serialise(records));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.file);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw new TokenStoreIoFailed(this.file, 'write', { cause: error });
    }
  }
}

function validIssueRequest(input: { name: string; role: Role; domains: string[] }): Pick<TokenRecord, 'name' | 'role' | 'domains'> {
  const parsed = parseWith(issueRequestSchema, input);
  if (!parsed.ok) throw new TokenRequestInvalid(parsed.problems);
  const { name, role, domains } = parsed.value;
  if (DOMAIN_SCOPED[role].length > 0 && domains.length === 0) {
    throw new TokenRequestInvalid([{ path: 'domains', message: `a ${role} token acts for named domains: give at least one (or '*')` }]);
  }
  return { name, role, domains: [...new Set(domains)] };
}

function parseTokensFile(file: string, text: string): TokenRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const problems: Problem[] = [{ path: '(root)', message: `is not JSON (${(error as Error).message})` }];
    throw new TokenStoreInvalid(file, problems, { cause: error });
  }
  const parsed = parseWith(tokensFileSchema, json);
  if (!parsed.ok) throw new TokenStoreInvalid(file, parsed.problems);
  return parsed.value.tokens;
}

function serialise(records: TokenRecord[]): string {
  return `${JSON.stringify({ tokens: records }, null, 2)}\n`;
}

function principalOf(record: TokenRecord): Principal {
  return { tokenId: record.id, name: record.name, role: record.role, domains: [...record.domains] };
}
