import type { CliCommand } from '../cli.command';
import { contractsApiOf, REMOTE_HELP, REMOTE_OPTIONS } from '../connection.options';
import { formatTable } from '../table.format';

export const contractsStatusCommand: CliCommand = {
  group: 'contracts',
  verb: 'status',
  summary: "every governed contract's versions and their states, or one contract's audit history",
  help: `Usage: fieldmesh contracts status [<contractId>] [--json]

Without an id: each contract the registry governs, its topic, owner and versions with their state
(draft, proposed, approved, deprecated, retired). With an id: that contract and its audit history
(who proposed, approved, rejected, deprecated or overrode what, when and why).

Examples:
  fieldmesh contracts status
  fieldmesh contracts status asset-health.anomaly-scores

Options:
  --json      print JSON
  -h, --help  this text
${REMOTE_HELP}`,
  options: { ...REMOTE_OPTIONS, json: { type: 'boolean' } },
  positionals: { min: 0, max: 1 },
  async run(args, io) {
    const api = contractsApiOf(args, io);
    const [contractId] = args.positionals;
    const versionsOf = (versions: { version: string; status: string }[]) => versions.map((v) => `${v.version} ${v.status}`).join(', ');
    if (contractId === undefined) {
      const contracts = await api.contracts();
      if (args.values.json) io.out(JSON.stringify(contracts, null, 2));
      else
        io.out(
          contracts.length === 0
            ? 'No governed contracts.'
            : formatTable(
                ['CONTRACT', 'TOPIC', 'OWNER', 'VERSIONS'],
                contracts.map((c) => [c.id, c.topic, c.owner.team, versionsOf(c.versions)]),
              ),
        );
      return 0;
    }
    const detail = await api.contract(contractId);
    if (args.values.json) {
      io.out(JSON.stringify(detail, null, 2));
      return 0;
    }
    io.out(`${detail.id}: topic ${detail.topic}, subject ${detail.subject}, owner ${detail.owner.team} <${detail.owner.contact}>`);
    io.out(`Versions: ${versionsOf(detail.versions)}\n`);
    io.out(
      formatTable(
        ['AT', 'EVENT', 'VERSION', 'BY', 'ROLE', 'COMMENT'],
        detail.history.map((e) => [e.at, e.type, e.version, e.by, e.role, e.comment ?? '']),
      ),
    );
    return 0;
  },
};
