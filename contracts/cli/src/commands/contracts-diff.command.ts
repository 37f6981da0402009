import { resolve } from 'node:path';
import type { CliCommand } from '../cli.command';
import { analyseChange } from '../contract.change';
import { loadContractFile } from '../contract.files';

export const contractsDiffCommand: CliCommand = {
  group: 'contracts',
  verb: 'diff',
  summary: 'what changes between two versions of a contract: fields, compatibility under every mode, privacy, retention, SLOs',
  help: `Usage: fieldmesh contracts diff <old.yaml> <new.yaml> [--root <dir>] [--json]

Compares two versions of a data contract and their Avro schemas the way the registry analyses a
proposal: the schema diff field by field (nested records too: added, removed, type, default, doc and
unit changes), the compatibility verdict under all seven modes, newly personal fields, classification
and masking changes, retention, SLO and other metadata changes. Each schema.ref resolves from the
nearest parent directory of its contract that holds it (or from --root).

Example:
  git show main:contracts/energy/consumption-15m.yaml > /tmp/old.yaml
  fieldmesh contracts diff /tmp/old.yaml contracts/energy/consumption-15m.yaml --root .

Options:
  --root <dir>   where both contracts' schema refs resolve (default: found per file)
  --json         print the whole analysis as JSON
  -h, --help     this text

Exit code 0 whatever the changes (use 'fieldmesh contracts check' to fail on breaking ones). Needs no service.`,
  options: { root: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 2, max: 2 },
  async run(args, io) {
    const root = typeof args.values.root === 'string' ? resolve(io.cwd, args.values.root) : undefined;
    const [previousFile, nextFile] = args.positionals as [string, string];
    const analysis = analyseChange(loadContractFile(resolve(io.cwd, previousFile), root), loadContractFile(resolve(io.cwd, nextFile), root));
    io.out(args.values.json ? JSON.stringify(analysis, null, 2) : analysis.changelog.join('\n'));
    return 0;
  },
};
