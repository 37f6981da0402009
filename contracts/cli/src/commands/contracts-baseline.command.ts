import type { CliCommand } from '../cli.command';
import { contractsApiOf, REMOTE_HELP, REMOTE_OPTIONS } from '../connection.options';
import { selectedContracts } from '../contracts.selection';
import { formatTable } from '../table.format';

export const contractsBaselineCommand: CliCommand = {
  group: 'contracts',
  verb: 'baseline',
  summary: "record the repository's contracts as approved versions in a governed registry (governance lead)",
  help: `Usage: fieldmesh contracts baseline [--contract <file>]... [--root <dir>] [--json]

Seeds a governed registry with contract versions that are already in use: each is recorded as approved
(audited as BASELINED) so that its schema keeps registering, and later versions go through
'fieldmesh contracts propose'. Sending a version again with the same schema changes nothing; another
schema for a recorded version is refused. Needs a governance-lead token.

Example:
  FIELDMESH_TOKEN=fmt_... fieldmesh contracts baseline

Options:
  --contract <file>  a contract to record (repeatable; default: every contracts/<domain>/<product>.yaml)
  --root <dir>       where contracts/ and schemas/ are (default: the current directory)
  --json             print the contracts' summaries as JSON
  -h, --help         this text
${REMOTE_HELP}`,
  options: { ...REMOTE_OPTIONS, contract: { type: 'string', multiple: true }, root: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const api = contractsApiOf(args, io);
    const summaries = [];
    for (const loaded of await selectedContracts(args, io)) summaries.push(await api.baseline(loaded.contract, loaded.avroSchema));
    if (args.values.json) io.out(JSON.stringify(summaries, null, 2));
    else
      io.out(
        formatTable(
          ['CONTRACT', 'TOPIC', 'VERSIONS'],
          summaries.map((s) => [s.id, s.topic, s.versions.map((v) => `${v.version} ${v.status}`).join(', ')]),
        ),
      );
    return 0;
  },
};
