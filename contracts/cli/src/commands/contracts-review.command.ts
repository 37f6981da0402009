import type { ProposalStatus } from '@fieldmesh/registry';
import { UsageError, type CliCommand } from '../cli.command';
import { contractsApiOf, REMOTE_HELP, REMOTE_OPTIONS } from '../connection.options';
import { formatProposal, formatProposalTable } from '../proposal.format';

const STATUSES: readonly ProposalStatus[] = ['proposed', 'approved', 'rejected'];

export const contractsReviewCommand: CliCommand = {
  group: 'contracts',
  verb: 'review',
  summary: 'list proposals (review list) or show one with its analysis (review show <proposalId>)',
  help: `Usage: fieldmesh contracts review list [--status proposed|approved|rejected|all] [--json]
       fieldmesh contracts review show <proposalId> [--json]

'list' shows the review queue: by default the proposals waiting for a decision. 'show' prints one
proposal with what a reviewer needs: the schema diff field by field, the compatibility verdict under
every mode, newly personal fields and classification changes, retention and SLO changes, and the
downstream products, jobs and tables affected.

Examples:
  fieldmesh contracts review list
  fieldmesh contracts review show 6f1c2a9e

Options:
  --status <s>   which proposals to list (default: proposed; 'all' for every one)
  --json         print JSON
  -h, --help     this text
${REMOTE_HELP}`,
  options: { ...REMOTE_OPTIONS, status: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 2 },
  async run(args, io) {
    const [action, proposalId] = args.positionals;
    if (action === 'list') {
      if (proposalId !== undefined) throw new UsageError("'review list' takes no argument");
      const status = typeof args.values.status === 'string' ? args.values.status : 'proposed';
      if (status !== 'all' && !STATUSES.includes(status as ProposalStatus)) throw new UsageError(`--status must be one of ${[...STATUSES, 'all'].join(', ')}, got '${status}'`);
      const proposals = await contractsApiOf(args, io).proposals(status === 'all' ? undefined : (status as ProposalStatus));
      io.out(args.values.json ? JSON.stringify(proposals, null, 2) : formatProposalTable(proposals));
      return 0;
    }
    if (action === 'show') {
      if (proposalId === undefined) throw new UsageError("'review show' needs the proposal id ('fieldmesh contracts review list' shows them)");
      const proposal = await contractsApiOf(args, io).proposal(proposalId);
      io.out(args.values.json ? JSON.stringify(proposal, null, 2) : formatProposal(proposal));
      return 0;
    }
    throw new UsageError(`'review' takes 'list' or 'show <proposalId>', got '${action}'`);
  },
};
