import { roles, TokenStore, type Role } from '@fieldmesh/auth';
import type { CliCommand } from '../cli.command';
import { tokensFileOf, TOKENS_FILE_OPTION } from '../connection.options';
import { formatTable } from '../table.format';

const TOKENS_FILE_HELP = `  --tokens-file <file>  the tokens file the registry and the console read (default: env FIELDMESH_TOKENS_FILE)`;

export const tokensCreateCommand: CliCommand = {
  group: 'tokens',
  verb: 'create',
  summary: 'issue an API token with a role and the domains it may act for; prints the token once',
  help: `Usage: fieldmesh tokens create --name <name> --role <role> [--domain <domain>]... [--tokens-file <file>] [--json]

Issues a token and stores only its hash in the tokens file (mode 0600). The token itself is printed on
stdout once and cannot be shown again: hand it to its holder now. Running registries and consoles
that read the file accept it at once.

Roles: ${roles.join(', ')}. --domain (repeatable) limits a domain owner or operator to those
domains; '*' means every domain.

Examples:
  fieldmesh tokens create --name energy-team --role domain-owner --domain energy
  export FIELDMESH_TOKEN=$(fieldmesh tokens create --name lead --role governance-lead --domain '*')

Options:
  --name <name>      who holds it (shown in the audit log)
  --role <role>      one of the roles above
  --domain <domain>  a domain it may act for; repeat for several
  --json             print {token, principal} as JSON
  -h, --help         this text
${TOKENS_FILE_HELP}`,
  options: { ...TOKENS_FILE_OPTION, name: { type: 'string' }, role: { type: 'string' }, domain: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const store = await TokenStore.open(tokensFileOf(args, io));
    // The store validates name, role and domains and names each wrong field.
    const issued = await store.issue({
      name: String(args.values.name ?? ''),
      role: String(args.values.role ?? '') as Role,
      domains: (args.values.domain as string[] | undefined) ?? [],
    });
    if (args.values.json) {
      io.out(JSON.stringify(issued, null, 2));
      return 0;
    }
    io.out(issued.token);
    const { principal } = issued;
    io.err(
      `Issued token ${principal.tokenId} for ${principal.name} (role ${principal.role}, domains ${principal.domains.join(', ') || 'none'}) in ${store.file}. It is shown only this once.`,
    );
    return 0;
  },
};

export const tokensListCommand: CliCommand = {
  group: 'tokens',
  verb: 'list',
  summary: 'list the tokens of the tokens file (ids, names, roles, domains; never the tokens)',
  help: `Usage: fieldmesh tokens list [--tokens-file <file>] [--json]

Lists who holds a token: id, name, role and domains. The tokens themselves are not stored, so they
cannot be listed.

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
              ['ID', 'NAME', 'ROLE', 'DOMAINS'],
              principals.map((p) => [p.tokenId, p.name, p.role, p.domains.join(', ')]),
            ),
      );
    return 0;
  },
};
