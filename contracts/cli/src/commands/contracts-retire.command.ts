import type { CliCommand } from '../cli.command';
import { contractsApiOf, REMOTE_HELP, REMOTE_OPTIONS } from '../connection.options';

/** `deprecate` and `retire` differ only in the lifecycle step they ask for. */
function retireStepCommand(step: 'deprecate' | 'retire', summary: string, explanation: string, example: string): CliCommand {
  return {
    group: 'contracts',
    verb: step,
    summary,
    help: `Usage: fieldmesh contracts ${step} <contractId> <version> [--comment <text>] [--json]

${explanation} The step, who took it and the comment go to the audit log. Needs a governance-lead
token, or a domain-owner token for the contract's domain.

Example:
  ${example}

Options:
  --comment <text>   why (kept in the audit log)
  --json             print the contract summary as JSON
  -h, --help         this text
${REMOTE_HELP}`,
    options: { ...REMOTE_OPTIONS, comment: { type: 'string' }, json: { type: 'boolean' } },
    positionals: { min: 2, max: 2 },
    async run(args, io) {
      const [contractId, version] = args.positionals as [string, string];
      const comment = typeof args.values.comment === 'string' ? args.values.comment : undefined;
      const summary = await contractsApiOf(args, io).retireStep(step, contractId, version, comment);
      if (args.values.json) io.out(JSON.stringify(summary, null, 2));
      else io.out(`${summary.id}: ${summary.versions.map((v) => `${v.version} ${v.status}`).join(', ')}`);
      return 0;
    },
  };
}

export const contractsDeprecateCommand = retireStepCommand(
  'deprecate',
  'deprecate an approved contract version: its schema still registers, consumers are told to move on',
  'Marks an approved contract version deprecated: producers may still register its schema, and the\ncatalog tells consumers to move to a newer version.',
  'fieldmesh contracts deprecate energy.consumption-15m 1.0.0 --comment "use 2.0.0 (per-phase readings)"',
);

export const contractsRetireCommand = retireStepCommand(
  'retire',
  'retire a deprecated contract version: its schema no longer registers',
  'Retires a deprecated contract version: the registry refuses its schema from now on.',
  'fieldmesh contracts retire energy.consumption-15m 1.0.0 --comment "no consumer left"',
);
