import { UsageError, type CliCommand } from '../cli.command';
import { contractsApiOf, REMOTE_HELP, REMOTE_OPTIONS } from '../connection.options';
import { formatProposal } from '../proposal.format';

export const contractsApproveCommand: CliCommand = {
  group: 'contracts',
  verb: 'approve',
  summary: 'approve a proposal (governance lead): its schema may then be registered',
  help: `Usage: fieldmesh contracts approve <proposalId> [--comment <text>] [--json]

Approves a proposed contract version. The decision, who made it and the comment go to the audit log;
from now on the registry accepts the version's schema for the product's subject. Needs a
governance-lead token.

Example:
  fieldmesh contracts approve 6f1c2a9e --comment "additive change, consumers informed"

Options:
  --comment <text>   why (kept in the audit log)
  --json             print the decided proposal as JSON
  -h, --help         this text
${REMOTE_HELP}`,
  options: { ...REMOTE_OPTIONS, comment: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const comment = typeof args.values.comment === 'string' ? args.values.comment : undefined;
    const proposal = await contractsApiOf(args, io).approve(args.positionals[0]!, comment);
    io.out(args.values.json ? JSON.stringify(proposal, null, 2) : formatProposal(proposal));
    return 0;
  },
};

export const contractsRejectCommand: CliCommand = {
  group: 'contracts',
  verb: 'reject',
  summary: 'reject a proposal with a comment (governance lead): its version goes back to draft',
  help: `Usage: fieldmesh contracts reject <proposalId> --comment <text> [--json]

Rejects a proposed contract version; the comment is required and tells the domain team what to change.
The version goes back to draft and the registry keeps refusing its schema, naming this rejection.
Needs a governance-lead token.

Example:
  fieldmesh contracts reject 6f1c2a9e --comment "operator is personal: pseudonymise it"

Options:
  --comment <text>   why (required; kept in the audit log)
  --json             print the decided proposal as JSON
  -h, --help         this text
${REMOTE_HELP}`,
  options: { ...REMOTE_OPTIONS, comment: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const comment = typeof args.values.comment === 'string' ? args.values.comment.trim() : '';
    if (comment === '') throw new UsageError('a rejection needs --comment <text> saying what to change');
    const proposal = await contractsApiOf(args, io).reject(args.positionals[0]!, comment);
    io.out(args.values.json ? JSON.stringify(proposal, null, 2) : formatProposal(proposal));
    return 0;
  },
};
