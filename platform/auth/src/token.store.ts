import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseWith, type Problem } from '@fieldmesh/config';
import { TokenNotFound, TokenRequestInvalid, TokenStoreInsecure, TokenStoreInvalid, TokenStoreIoFailed } from './errors';
import { DOMAIN_SCOPED, type Principal, type Role } from './roles';
import { newToken, parseToken, secretMatches, sha256Hex } from './token.codec';
import { issueRequestSchema, type TokenRecord, tokensFileSchema } from './tokens-file.schema';

const FILE_MODE = 0o600;

export interface IssuedToken {
  /** The plaintext token, shown once. */
  token: string;
  principal: Principal;
}

/** What the store makes of a presented token. */
export type TokenCheck = { status: 'valid'; principal: Principal } | { status: 'expired'; principal: Principal; expiredAt: string } | { status: 'unknown' };

/**
 * API tokens kept in a JSON file, hashed at rest (sha256 of the secret; the plaintext is returned once, by
 * issue() or rotate()), each valid until its optional `expiresAt`. Several processes share one file: the CLI
 * issues a token while the registry and the console run. Every read first checks the file's inode, mtime and
 * size and reloads it when another process has replaced it, so a new, rotated or revoked token counts at once
 * without a restart. Writes go to a temporary file that is renamed over the old one, so a reader never sees
 * half a file; writes of one store are serialised.
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

  /**
   * Issues a token, valid until `expiresAt` when given. The plaintext is in the result and nowhere else:
   * hand it to its holder now.
   */
  async issue(input: { name: string; role: Role; domains: string[]; expiresAt?: Date }): Promise<IssuedToken> {
    const request = validIssueRequest(input);
    let issued: IssuedToken | undefined;
    await this.mutate((records) => {
      const fresh = freshToken(records, request);
      issued = fresh.issued;
      return [...records, fresh.record];
    });
    return issued as IssuedToken;
  }

  /**
   * Makes `token` (from `createToken()`, its plaintext kept secret by the caller) valid for the holder: its
   * hash is added unless the store already holds its id. For a service that generates its tokens once and
   * writes a fresh tokens file on each start (the stack's registry), so the same tokens keep working.
   */
  async admit(token: string, input: { name: string; role: Role; domains: string[]; expiresAt?: Date }): Promise<Principal> {
    const parsed = parseToken(token.trim());
    if (!parsed) throw new TokenRequestInvalid([{ path: 'token', message: 'must be a token from createToken(): fmt_<8 hex digits>_<43 base64url characters>' }]);
    const request = validIssueRequest(input);
    let admitted: TokenRecord | undefined;
    await this.mutate((records) => {
      const held = records.find((record) => record.id === parsed.id);
      if (held && !secretMatches(parsed.secret, held.sha256)) {
        throw new TokenRequestInvalid([{ path: 'token', message: `its id ${parsed.id} belongs to another token in ${this.file}` }]);
      }
      admitted = held ?? recordFor({ id: parsed.id, sha256: sha256Hex(parsed.secret) }, request);
      return held ? records : [...records, admitted];
    });
    return principalOf(admitted as TokenRecord);
  }

  /**
   * Replaces a token with a new one for the same holder, role and domains; the old token is refused from
   * the next request on, in every process sharing the file. The new token lives until `expiresAt`, or by
   * default as long as the old one was issued for (no expiry if it had none).
   */
  async rotate(tokenId: string, options: { expiresAt?: Date } = {}): Promise<IssuedToken> {
    let issued: IssuedToken | undefined;
    await this.mutate((records) => {
      const old = records.find((record) => record.id === tokenId);
      if (!old) throw new TokenNotFound(tokenId, this.file);
      const expiresAt = options.expiresAt ?? sameLifetimeFromNow(old);
      const fresh = freshToken(records, validIssueRequest({ name: old.name, role: old.role, domains: old.domains, ...(expiresAt ? { expiresAt } : {}) }));
      issued = fresh.issued;
      return records.map((record) => (record.id === tokenId ? fresh.record : record));
    });
    return issued as IssuedToken;
  }

  /**
   * Moves a token's expiry to `expiresAt`, keeping the token: a lease its holder renews while it runs (the
   * tokens `npm start` prints die with a killed run, at the end of their lease).
   */
  async extend(tokenId: string, expiresAt: Date): Promise<Principal> {
    if (expiresAt.getTime() <= Date.now()) {
      throw new TokenRequestInvalid([{ path: 'expiresAt', message: `must be in the future (was ${expiresAt.toISOString()})` }]);
    }
    let extended: TokenRecord | undefined;
    await this.mutate((records) => {
      const old = records.find((record) => record.id === tokenId);
      if (!old) throw new TokenNotFound(tokenId, this.file);
      extended = { ...old, expiresAt: expiresAt.toISOString() };
      return records.map((record) => (record.id === tokenId ? (extended as TokenRecord) : record));
    });
    return principalOf(extended as TokenRecord);
  }

  /** Removes a token for good; every process sharing the file refuses it from its next request on. */
  async revoke(tokenId: string): Promise<void> {
    await this.mutate((records) => {
      if (!records.some((record) => record.id === tokenId)) throw new TokenNotFound(tokenId, this.file);
      return records.filter((record) => record.id !== tokenId);
    });
  }

  /** The principal of a valid token; `undefined` for a malformed, unknown, revoked, tampered or expired one. */
  verify(token: string): Principal | undefined {
    const checked = this.check(token);
    return checked.status === 'valid' ? checked.principal : undefined;
  }

  /** Like verify(), but tells an expired token (whose holder needs a new one) from one the store does not know. */
  check(token: string): TokenCheck {
    const parsed = parseToken(token.trim());
    if (!parsed) return { status: 'unknown' };
    this.reloadIfChanged();
    const record = this.records.find((candidate) => candidate.id === parsed.id);
    if (!record || !secretMatches(parsed.secret, record.sha256)) return { status: 'unknown' };
    if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= Date.now()) {
      return { status: 'expired', principal: principalOf(record), expiredAt: record.expiresAt };
    }
    return { status: 'valid', principal: principalOf(record) };
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

type IssueRequest = Pick<TokenRecord, 'name' | 'role' | 'domains'> & { expiresAt?: Date };

function validIssueRequest(input: IssueRequest): IssueRequest {
  const parsed = parseWith(issueRequestSchema, input);
  if (!parsed.ok) throw new TokenRequestInvalid(parsed.problems);
  const { name, role, domains, expiresAt } = parsed.value;
  if (DOMAIN_SCOPED[role].length > 0 && domains.length === 0) {
    throw new TokenRequestInvalid([{ path: 'domains', message: `a ${role} token acts for named domains: give at least one (or '*')` }]);
  }
  if (expiresAt !== undefined && expiresAt.getTime() <= Date.now()) {
    throw new TokenRequestInvalid([{ path: 'expiresAt', message: `must be in the future (was ${expiresAt.toISOString()})` }]);
  }
  return { name, role, domains: [...new Set(domains)], ...(expiresAt ? { expiresAt } : {}) };
}

/** A new record (with an id no other record has) and the plaintext token that only its holder gets. */
function freshToken(records: TokenRecord[], request: IssueRequest): { record: TokenRecord; issued: IssuedToken } {
  let fresh = newToken();
  while (records.some((record) => record.id === fresh.id)) fresh = newToken();
  const record = recordFor(fresh, request);
  return { record, issued: { token: fresh.token, principal: principalOf(record) } };
}

function recordFor(token: { id: string; sha256: string }, request: IssueRequest): TokenRecord {
  const { expiresAt, ...holder } = request;
  return {
    id: token.id,
    ...holder,
    sha256: token.sha256,
    createdAt: new Date().toISOString(),
    ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
  };
}

/** A new token's plaintext, for `TokenStore.admit`: the caller keeps it secret (a 0600 file, the stack's state). */
export function createToken(): string {
  return newToken().token;
}

function sameLifetimeFromNow(record: TokenRecord): Date | undefined {
  if (record.expiresAt === undefined) return undefined;
  return new Date(Date.now() + Date.parse(record.expiresAt) - Date.parse(record.createdAt));
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
  return { tokenId: record.id, name: record.name, role: record.role, domains: [...record.domains], ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}) };
}
