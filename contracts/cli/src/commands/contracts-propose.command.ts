import { resolve } from 'node:path';
import type { CliCommand } from '../cli.command';
import { contractsApiOf, REMOTE_HELP, REMOTE_OPTIONS } from '../connection.options';
import { loadContractFile } from '../contract.files';
import { formatProposal } from '../proposal.format';

export const contractsProposeCommand: CliCommand = {
  group: 'contracts',
  verb: 'propose',
  summary: 'propose a new contract version for review (domain owner of its domain)',
  help: `Usage: fieldmesh contracts propose <contract.yaml> [--root <dir>] [--registry <url>] [--token <token>] [--json]

Sends the contract and its Avro schema to the registry as a proposal. The registry analyses it against
the approved versions (field diff, compatibility under every mode, privacy, retention, SLOs, downstream
impact) and queues it for a governance lead. Until it is approved, the registry refuses to register the
new schema for the product's subject. Needs a domain-owner token for the contract's domain.

Example:
  FIELDMESH_TOKEN=fmt_... fieldmesh contracts propose contracts/energy/consumption-15m.yaml

Options:
  --root <dir>   where the schema ref resolves (default: the nearest parent of the file that holds it)
  --json         print the proposal as JSON
  -h, --help     this text
${REMOTE_HELP}

Prints the proposal id and the analysis. Exit code 1 when the registry refuses (its message is printed).`,
  options: { ...REMOTE_OPTIONS, root: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const api = contractsApiOf(args, io);
    const loaded = loadContractFile(resolve(io.cwd, args.positionals[0]!), typeof args.values.root === 'string' ? resolve(io.cwd, args.values.root) : undefined);
    const proposal = await api.propose(loaded.contract, loaded.avroSchema);
    io.out(
      args.values.json
        ? JSON.stringify(proposal, null, 2)
        : `${formatProposal(proposal)}\n\nA governance lead decides with 'fieldmesh contracts approve|reject ${proposal.proposalId}'.`,
    );
    return 0;
  },
};
