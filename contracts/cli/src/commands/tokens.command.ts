import { type IssuedToken, roles, TokenStore, type Role } from '@fieldmesh/auth';
import { durationToMs } from '@fieldmesh/governance';
import { type CliCommand, type CliIo, type ParsedArgs, UsageError } from '../cli.command';
import { tokensFileOf, TOKENS_FILE_OPTION } from '../connection.options';
import { formatTable } from '../table.format';

const TOKENS_FILE_HELP = `  --tokens-file <file>  the tokens file the registry and the console read (default: env FIELDMESH_TOKENS_FILE)`;
const EXPIRES_IN_OPTION = { 'expires-in': { type: 'string' } } as const;

/** The expiry asked for with --expires-in (an ISO 8601 duration from now); `undefined` when not given. */
function expiryOf(args: ParsedArgs): Date | undefined {
  const duration = args.values['expires-in'];
  if (typeof duration !== 'string') return undefined;
  try {
    return new Date(Date.now() + durationToMs(duration));
  } catch (error) {
    throw new UsageError(`--expires-in: ${(error as Error).message}, e.g. P90D (90 days) or PT8H (8 hours)`, { cause: error });
  }
}

/**
 * The token alone on stdout (for `$(...)`), or {token, principal} as JSON; on stderr, after `headline`, who
 * holds it and until when.
 */
function printIssued(issued: IssuedToken, headline: string, file: string, args: ParsedArgs, io: CliIo): void {
  if (args.values.json) {
    io.out(JSON.stringify(issued, null, 2));
    return;
  }
  io.out(issued.token);
  const { principal } = issued;
  io.err(
    `${headline} for ${principal.name} (role ${principal.role}, domains ${principal.domains.join(', ') || 'none'}, ` +
      `${principal.expiresAt ? `expires ${principal.expiresAt}` : 'never expires'}) in ${file}. It is shown only this once.`,
  );
}

export const tokensCreateCommand: CliCommand = {
  group: 'tokens',
  verb: 'create',
  summary: 'issue an API token with a role and the domains it may act for; prints the token once',
  help: `Usage: fieldmesh tokens create --name <name> --role <role> [--domain <domain>]... [--expires-in <duration>] [--tokens-file <file>] [--json]

Issues a token and stores only its hash in the tokens file (mode 0600). The token itself is printed on
stdout once and cannot be shown again: hand it to its holder now. Running registries and consoles
that read the file accept it at once.

Roles: ${roles.join(', ')}. --domain (repeatable) limits a domain owner or operator to those
domains; '*' means every domain.

Examples:
  fieldmesh tokens create --name energy-team --role domain-owner --domain energy --expires-in P90D
  export FIELDMESH_TOKEN=$(fieldmesh tokens create --name lead --role governance-lead --domain '*')

Options:
  --name <name>      who holds it (shown in the audit log)
  --role <role>      one of the roles above
  --domain <domain>  a domain it may act for; repeat for several
  --expires-in <d>   refuse the token after this ISO 8601 duration from now, e.g. P90D or PT8H;
                     without it the token is valid until revoked or rotated
  --json             print {token, principal} as JSON
  -h, --help         this text
${TOKENS_FILE_HELP}`,
  options: {
    ...TOKENS_FILE_OPTION,
    ...EXPIRES_IN_OPTION,
    name: { type: 'string' },
    role: { type: 'string' },
    domain: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const expiresAt = expiryOf(args);
    const store = await TokenStore.open(tokensFileOf(args, io));
    // The store validates name, role and domains and names each wrong field.
    const issued = await store.issue({
      name: String(args.values.name ?? ''),
      role: String(args.values.role ?? '') as Role,
      domains: (args.values.domain as string[] | undefined) ?? [],
      ...(expiresAt ? { expiresAt } : {}),
    });
    printIssued(issued, `Issued token ${issued.principal.tokenId}`, store.file, args, io);
    return 0;
  },
};

export const tokensRotateCommand: CliCommand = {
  group: 'tokens',
  verb: 'rotate',
  summary: 'replace a token with a new one for the same holder; the old one is refused at once',
  help: `Usage: fieldmesh tokens rotate <token-id> [--expires-in <duration>] [--tokens-file <file>] [--json]

Issues a new token for the holder, role and domains of <token-id> (see 'fieldmesh tokens list') and
removes the old one: running registries and consoles that read the file refuse the old token from
their next request on. The new token is printed on stdout once. It lives as long as the old one was
issued for, unless --expires-in says otherwise.

Example:
  export FIELDMESH_TOKEN=$(fieldmesh tokens rotate 1a2b3c4d --expires-in P30D)

Options:
  --expires-in <d>   refuse the new token after this ISO 8601 duration from now, e.g. P30D
  --json             print {token, principal} as JSON
  -h, --help         this text
${TOKENS_FILE_HELP}`,
  options: { ...TOKENS_FILE_OPTION, ...EXPIRES_IN_OPTION, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const expiresAt = expiryOf(args);
    const store = await TokenStore.open(tokensFileOf(args, io));
    const oldId = args.positionals[0] as string;
    const issued = await store.rotate(oldId, expiresAt ? { expiresAt } : {});
    printIssued(issued, `Rotated token ${oldId} to ${issued.principal.tokenId}`, store.file, args, io);
    return 0;
  },
};

export const tokensListCommand: CliCommand = {
  group: 'tokens',
  verb: 'list',
  summary: 'list the tokens of the tokens file (ids, names, roles, domains; never the tokens)',
  help: `Usage: fieldmesh tokens list [--tokens-file <file>] [--json]

Lists who holds a token: id, name, role, domains and expiry. The tokens themselves are not stored, so
they cannot be listed.

Example:
  fieldmesh tokens list --tokens-file .fieldmesh/tokens.json

Options:
  --json       print JSON
  -h, --help   this text
${TOKENS_FILE_HELP}`,
  options: { ...TOKENS_FILE_OPTION, json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const principals = (await TokenStore.open(tokensFileOf(args, io))).list();
    if (args.values.json) io.out(JSON.stringify(principals, null, 2));
    else
      io.out(
        principals.length === 0
          ? 'No tokens.'
          : formatTable(
              ['ID', 'NAME', 'ROLE', 'DOMAINS', 'EXPIRES'],
              principals.map((p) => [p.tokenId, p.name, p.role, p.domains.join(', '), expiryText(p.expiresAt)]),
            ),
      );
    return 0;
  },
};

function expiryText(expiresAt: string | undefined): string {
  if (expiresAt === undefined) return 'never';
  return Date.parse(expiresAt) <= Date.now() ? `${expiresAt} (expired)` : expiresAt;
}
