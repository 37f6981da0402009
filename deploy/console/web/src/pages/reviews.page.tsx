import { Link, useNavigate } from 'react-router';
import type { Page, ProposalSummary } from '../../../src/api/types';
import { query } from '../api/api.client';
import { useApi } from '../api/use-api';
import { Badge, LifecycleBadge } from '../components/badges';
import { filterOrDefault, useListParams } from '../components/list-params';
import { PagedTable } from '../components/paged-table';
import { SearchInput } from '../components/search-input';
import { LoadState } from '../components/status';
import { formatAgo, formatDateTime } from '../format/format';

const STATUSES = [
  ['proposed', 'Awaiting review'],
  ['approved', 'Approved'],
  ['rejected', 'Rejected'],
  ['', 'All'],
] as const;

/** Contract proposals by status: the governance lead's queue. */
export function ReviewsPage() {
  const { values, page, setFilter, setPage } = useListParams(['status', 'search'] as const);
  // The queue opens on what waits for a decision; `status=all` in the URL shows everything.
  const status = filterOrDefault(values.status, 'proposed');
  const proposals = useApi<Page<ProposalSummary>>(`/api/reviews${query({ status, search: values.search, page, pageSize: 25 })}`, 10_000);
  const navigate = useNavigate();

  return (
    <>
      <div className="page-head">
        <h1>Contract reviews</h1>
        <span className="sub">Proposed contract versions: a schema registers only once its version is approved</span>
      </div>
      <div className="panel flush">
        <div className="toolbar" style={{ padding: '10px 12px 0' }}>
          <div className="actions" data-testid="review-status-filter">
            {STATUSES.map(([value, label]) => (
              <button
                key={label}
                className={status === value ? 'primary' : undefined}
                data-testid={`review-status-${value || 'all'}`}
                onClick={() => setFilter('status', value || 'all')}
              >
                {label}
              </button>
            ))}
          </div>
          <SearchInput value={values.search} onSearch={(text) => setFilter('search', text)} placeholder="Search contract, proposer…" testId="review-search" />
        </div>
        <LoadState loaded={proposals}>
          {(data) => (
            <PagedTable
              page={data}
              testId="review-table"
              head={
                <>
                  <th>Contract</th>
                  <th>Version</th>
                  <th>Status</th>
                  <th>Proposed</th>
                  <th>Changes</th>
                  <th>Decision</th>
                </>
              }
              row={(proposal) => (
                <tr
                  key={proposal.proposalId}
                  className="clickable"
                  data-testid={`review-row-${proposal.proposalId}`}
                  onClick={() => void navigate(`/reviews/${encodeURIComponent(proposal.proposalId)}`)}
                >
                  <td className="nowrap">
                    <Link to={`/reviews/${encodeURIComponent(proposal.proposalId)}`} onClick={(event) => event.stopPropagation()}>
                      {proposal.contractId}
                    </Link>
                  </td>
                  <td>{proposal.version}</td>
                  <td className="nowrap">
                    <LifecycleBadge status={proposal.status} /> {proposal.breaking && <Badge tone="bad">breaking</Badge>}
                  </td>
                  <td className="nowrap" title={formatDateTime(proposal.proposedAt)}>
                    {proposal.proposedBy}
                    <div className="muted">{formatAgo(proposal.proposedAt)}</div>
                  </td>
                  <td>
                    {proposal.changelog.slice(0, 3).map((line) => (
                      <div key={line}>{line}</div>
                    ))}
                    {proposal.changelog.length > 3 && <div className="muted">…</div>}
                  </td>
                  <td>
                    {proposal.decidedBy ? (
                      <>
                        {proposal.decidedBy} <span className="muted">{formatAgo(proposal.decidedAt)}</span>
                        {proposal.comment && <div className="muted">“{proposal.comment}”</div>}
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              )}
              empty="No proposals here."
              onPage={setPage}
            />
          )}
        </LoadState>
      </div>
    </>
  );
}
