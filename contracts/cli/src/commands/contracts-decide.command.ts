import { UsageError, type CliCommand } from '../cli.command';
import { contractsApiOf, REMOTE_HELP, REMOTE_OPTIONS } from '../connection.options';
import { formatProposal } from '../proposal.format';

/**
 * `approve` and `reject` differ in their texts and in the comment: optional on an approval, required on
 * a rejection, since it tells the domain team what to change.
 */
function decisionCommand(decision: 'approve' | 'reject', summary: string, explanation: string, example: string): CliCommand {
  const commentRequired = decision === 'reject';
  return {
    group: 'contracts',
    verb: decision,
    summary,
    help: `Usage: fieldmesh contracts ${decision} <proposalId> ${commentRequired ? '--comment <text>' : '[--comment <text>]'} [--json]

${explanation}

Example:
  ${example}

Options:
  --comment <text>   why (${commentRequired ? 'required; ' : ''}kept in the audit log)
  --json             print the decided proposal as JSON
  -h, --help         this text
${REMOTE_HELP}`,
    options: { ...REMOTE_OPTIONS, comment: { type: 'string' }, json: { type: 'boolean' } },
    positionals: { min: 1, max: 1 },
    async run(args, io) {
      const comment = typeof args.values.comment === 'string' ? args.values.comment.trim() : '';
      if (commentRequired && comment === '') throw new UsageError('a rejection needs --comment <text> saying what to change');
      const proposal = await contractsApiOf(args, io).decide(decision, args.positionals[0]!, comment === '' ? undefined : comment);
      io.out(args.values.json ? JSON.stringify(proposal, null, 2) : formatProposal(proposal));
      return 0;
    },
  };
}

export const contractsApproveCommand = decisionCommand(
  'approve',
  'approve a proposal (governance lead): its schema may then be registered',
  "Approves a proposed contract version. The decision, who made it and the comment go to the audit log;\nfrom now on the registry accepts the version's schema for the product's subject. Needs a\ngovernance-lead token.",
  'fieldmesh contracts approve 6f1c2a9e --comment "additive change, consumers informed"',
);

export const contractsRejectCommand = decisionCommand(
  'reject',
  'reject a proposal with a comment (governance lead): its version goes back to draft',
  'Rejects a proposed contract version; the comment is required and tells the domain team what to change.\nThe version goes back to draft and the registry keeps refusing its schema, naming this rejection.\nNeeds a governance-lead token.',
  'fieldmesh contracts reject 6f1c2a9e --comment "operator is personal: pseudonymise it"',
);
