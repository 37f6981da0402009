import { formatProblems, type Problem } from '@fieldmesh/config';
import type { Action, Principal, Role } from './roles';

/** The tokens file exists but is not a tokens file; `problems` names each bad field. */
export class TokenStoreInvalid extends Error {
  override readonly name = 'TokenStoreInvalid';
  constructor(
    readonly file: string,
    readonly problems: Problem[],
    options?: { cause: unknown },
  ) {
    super(
      `Tokens file ${file} is invalid:\n${formatProblems(problems)}\n` + 'Fix the fields above, or move the file away and issue the tokens again with `fieldmesh tokens create`.',
      options,
    );
  }
}

/** The tokens file can be read by other users; it is refused rather than trusted (like ssh with a key). */
export class TokenStoreInsecure extends Error {
  override readonly name = 'TokenStoreInsecure';
  constructor(
    readonly file: string,
    readonly mode: number,
  ) {
    super(`Tokens file ${file} has mode ${mode.toString(8).padStart(4, '0')}: other users can read or change the token hashes. ` + `Run \`chmod 600 ${file}\` and start again.`);
  }
}

/** The tokens file could not be read or written (permissions, full disk, missing directory). */
export class TokenStoreIoFailed extends Error {
  override readonly name = 'TokenStoreIoFailed';
  constructor(
    readonly file: string,
    readonly operation: 'read' | 'write',
    options: { cause: unknown },
  ) {
    super(`Could not ${operation} tokens file ${file}: ${messageOf(options.cause)}. Check that the path is right and writable by this user.`, options);
  }
}

/** A token was requested with a bad name, role or domain list; `problems` names each field. */
export class TokenRequestInvalid extends Error {
  override readonly name = 'TokenRequestInvalid';
  constructor(readonly problems: Problem[]) {
    super(`Token request is invalid:\n${formatProblems(problems)}\nFix the fields above and issue the token again.`);
  }
}

/** revoke() named a token id the store does not hold. */
export class TokenNotFound extends Error {
  override readonly name = 'TokenNotFound';
  constructor(
    readonly tokenId: string,
    readonly file: string,
  ) {
    super(`No token with id ${tokenId} in ${file}. List the tokens (\`fieldmesh tokens list\`) to find its id.`);
  }
}

/** A protected operation was called without a token, or with one the store does not accept. HTTP 401 / 40101. */
export class Unauthenticated extends Error {
  override readonly name = 'Unauthenticated';
  constructor(
    /** What was wrong, without the hint, for APIs that word the hint their own way. */
    readonly reason: string,
  ) {
    super(`Unauthorized: ${reason}. Send 'Authorization: Bearer <token>'; 'fieldmesh tokens create' issues one.`);
  }
}

/** A verified principal asked for an operation its role or domains do not allow. HTTP 403 / 40301. */
export class AccessDenied extends Error {
  override readonly name = 'AccessDenied';
  readonly principalName: string;
  readonly role: Role;
  constructor(
    principal: Principal,
    readonly action: Action,
    /** What was acted on: a subject, a contract id, a domain; named in the message. */
    readonly resource: string,
  ) {
    super(`User ${principal.name} (role ${principal.role}) is denied operation ${action} on ${resource}`);
    this.principalName = principal.name;
    this.role = principal.role;
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
