import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { CompatibilityMode, ProposalView } from '../../../src/api/types';
import { post } from '../api/api.client';
import { useApi } from '../api/use-api';
import { Badge, LifecycleBadge } from '../components/badges';
import { CopyBox } from '../components/copy-box';
import { GuardedButton } from '../components/guarded-button';
import { ErrorBanner, LoadState } from '../components/status';
import { declaredCompatibility, diffRows, diffSummary } from '../format/diff';
import { formatDateTime, formatIsoDuration } from '../format/format';

const MODES: CompatibilityMode[] = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'];

/** What a reviewer needs to decide on one proposal, and the decision itself. */
export function ProposalPage() {
  const proposalId = useParams().proposalId ?? '';
  const proposal = useApi<ProposalView>(`/api/reviews/${encodeURIComponent(proposalId)}`);
  return (
    <>
      <div className="crumbs">
        <Link to="/reviews">Reviews</Link> / {proposalId}
      </div>
      <LoadState loaded={proposal}>{(view) => <ProposalDetail proposal={view} onDecided={proposal.reload} />}</LoadState>
    </>
  );
}

function ProposalDetail({ proposal, onDecided }: { proposal: ProposalView; onDecided: () => void }) {
  const { analysis } = proposal;
  const rows = diffRows(analysis);
  const ownMode = declaredCompatibility(proposal.contract);
  const domain = proposal.contractId.split('.')[0];
  return (
    <>
      <div className="page-head">
        <h1>
          {proposal.contractId} <span className="muted">v{proposal.version}</span>
        </h1>
        <span data-testid="review-status">
          <LifecycleBadge status={proposal.status} />
        </span>
        {analysis.breaking ? <Badge tone="bad">breaking under {ownMode ?? 'its mode'}</Badge> : <Badge tone="ok">compatible under {ownMode ?? 'its mode'}</Badge>}
        <span className="sub">
          proposed by {proposal.proposedBy} on {formatDateTime(proposal.proposedAt)}
        </span>
        <span className="spacer" />
        <Link to={`/catalog/${encodeURIComponent(proposal.contractId)}`}>Catalog →</Link>
      </div>
      {proposal.decidedBy && (
        <div className={proposal.status === 'rejected' ? 'error' : 'notice'} data-testid="review-decision">
          {proposal.status} by {proposal.decidedBy} on {formatDateTime(proposal.decidedAt)}
          {proposal.comment ? `: “${proposal.comment}”` : ''}
        </div>
      )}
      <div className="grid side" style={{ marginBottom: 12 }}>
        <section className="panel flush">
          <h2>
            Schema and field changes{' '}
            <span className="muted" style={{ fontWeight: 400 }}>
              — {diffSummary(rows)}
            </span>
          </h2>
          <div className="table-wrap">
            <table data-testid="review-diff">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Change</th>
                  <th>Before</th>
                  <th>After</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, index) => (
                  <tr key={`${row.path}|${row.change}|${index}`} className={`change-${row.change}${row.privacy ? ' privacy' : ''}`}>
                    <td className="mono nowrap">{row.path}</td>
                    <td className="nowrap">
                      {row.change} {row.privacy && <Badge tone="info">privacy</Badge>}
                    </td>
                    <td className="mono">{row.before !== undefined ? <span className="before">{row.before}</span> : <span className="muted">—</span>}</td>
                    <td className="mono">{row.after !== undefined ? <span className="after">{row.after}</span> : <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length === 0 && <div className="empty">The schema's fields are unchanged.</div>}
          </div>
        </section>
        <Decision proposal={proposal} domain={domain} onDecided={onDecided} />
      </div>
      <div className="grid cols-2" style={{ marginBottom: 12 }}>
        <section className="panel flush">
          <h2>Compatibility by mode</h2>
          <table data-testid="review-compatibility">
            <thead>
              <tr>
                <th>Mode</th>
                <th>Verdict</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {MODES.map((mode) => {
                const verdict = analysis.compatibility[mode];
                return (
                  <tr key={mode} style={mode === ownMode ? { outline: '1px solid var(--accent)' } : undefined}>
                    <td className="mono nowrap">
                      {mode}
                      {mode === ownMode && <span className="muted"> (contract)</span>}
                    </td>
                    <td>{verdict ? <Badge tone={verdict.compatible ? 'ok' : 'bad'}>{verdict.compatible ? 'compatible' : 'incompatible'}</Badge> : '—'}</td>
                    <td>
                      {verdict?.messages.map((message) => (
                        <div key={message} className="muted">
                          {message}
                        </div>
                      ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
        <div className="stack">
          <PrivacyPanel proposal={proposal} />
          <section className="panel" data-testid="review-retention">
            <h2>Retention and SLOs</h2>
            <dl className="kv">
              <dt>Kafka retention</dt>
              <dd>
                <BeforeAfter before={analysis.retention.kafka.before} after={analysis.retention.kafka.after} format={formatIsoDuration} />
              </dd>
              <dt>ClickHouse retention</dt>
              <dd>
                <BeforeAfter before={analysis.retention.warehouse.before} after={analysis.retention.warehouse.after} format={formatIsoDuration} />
              </dd>
              {analysis.slos.map((slo) => (
                <SloChange key={slo.path} path={slo.path} before={slo.before} after={slo.after} />
              ))}
              {analysis.metadata.map((change) => (
                <SloChange key={change.path} path={change.path} before={change.before} after={change.after} />
              ))}
            </dl>
          </section>
        </div>
      </div>
      <div className="grid cols-2">
        <section className="panel flush" data-testid="review-downstream">
          <h2>Downstream impact</h2>
          {analysis.downstream.length === 0 ? (
            <div className="empty">Nothing downstream is known to lineage.</div>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Kind</th>
                  <th>Name</th>
                  <th>Via</th>
                </tr>
              </thead>
              <tbody>
                {analysis.downstream.map((impact) => (
                  <tr key={`${impact.kind}|${impact.name}`}>
                    <td>
                      <Badge tone={impact.kind === 'table' ? 'warn' : impact.kind === 'job' ? 'info' : 'accent'}>{impact.kind}</Badge>
                    </td>
                    <td className="mono">
                      <Link to={`/lineage?dataset=${encodeURIComponent(impact.name)}`}>{impact.name}</Link>
                    </td>
                    <td className="mono muted" style={{ overflowWrap: 'anywhere' }}>
                      {impact.via}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="panel">
          <h2>Changelog</h2>
          <CopyBox text={analysis.changelog.join('\n') || 'No changes.'} testId="review-changelog" />
        </section>
      </div>
    </>
  );
}

function PrivacyPanel({ proposal }: { proposal: ProposalView }) {
  const { privacy } = proposal.analysis;
  const changes = privacy.newlyPersonal.length + privacy.classificationChanges.length + privacy.maskingChanges.length;
  return (
    <section className="panel" data-testid="review-privacy" style={changes > 0 ? { borderColor: 'var(--info)' } : undefined}>
      <h2>
        Privacy{' '}
        {changes > 0 ? (
          <Badge tone="info">
            {changes} change{changes === 1 ? '' : 's'}
          </Badge>
        ) : (
          <Badge tone="ok">no change</Badge>
        )}
      </h2>
      {privacy.newlyPersonal.length > 0 && (
        <p>
          <strong>Newly personal:</strong> <span className="mono">{privacy.newlyPersonal.join(', ')}</span>
        </p>
      )}
      {privacy.classificationChanges.map((change) => (
        <div key={`c|${change.field}`}>
          <span className="mono">{change.field}</span> classification <span className="before">{change.before}</span> → <span className="after">{change.after}</span>
        </div>
      ))}
      {privacy.maskingChanges.map((change) => (
        <div key={`m|${change.field}`}>
          <span className="mono">{change.field}</span> masking <span className="before">{change.before}</span> → <span className="after">{change.after}</span>
        </div>
      ))}
      {changes === 0 && <div className="muted">No field becomes personal and no classification or masking changes.</div>}
    </section>
  );
}

function BeforeAfter({ before, after, format = String }: { before: string | number | undefined; after: string | number | undefined; format?: (value: string) => string }) {
  const show = (value: string | number | undefined) => (value === undefined ? '—' : format(String(value)));
  if (before === undefined)
    return (
      <span>
        {show(after)} <span className="muted">(new)</span>
      </span>
    );
  if (String(before) === String(after))
    return (
      <span>
        {show(after)} <span className="muted">(unchanged)</span>
      </span>
    );
  return (
    <span>
      <span className="before">{show(before)}</span> → <span className="after">{show(after)}</span>
    </span>
  );
}

function SloChange({ path, before, after }: { path: string; before: string | number | undefined; after: string | number | undefined }) {
  return (
    <>
      <dt className="mono">{path}</dt>
      <dd>
        <BeforeAfter before={before} after={after} />
      </dd>
    </>
  );
}

function Decision({ proposal, domain, onDecided }: { proposal: ProposalView; domain: string | undefined; onDecided: () => void }) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const open = proposal.status === 'proposed';

  const decide = async (decision: 'approve' | 'reject') => {
    if (decision === 'reject' && comment.trim() === '') {
      setError('A rejection needs a comment: say what the domain team should change.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await post(`/api/reviews/${encodeURIComponent(proposal.proposalId)}/${decision}`, comment.trim() ? { comment: comment.trim() } : {});
      setComment('');
      onDecided();
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel">
      <h2>Decision</h2>
      {!open && <p className="muted">This proposal was {proposal.status}; decisions are final. A new version needs a new proposal.</p>}
      {error && <ErrorBanner error={error} />}
      <label className="field">
        Comment (required to reject)
        <textarea data-testid="review-comment" value={comment} onChange={(event) => setComment(event.target.value)} disabled={!open} placeholder="Why, and what to change…" />
      </label>
      <div className="actions">
        <GuardedButton action="contract:review" domain={domain} className="success" testId="review-approve" disabled={!open || busy} onClick={() => void decide('approve')}>
          Approve
        </GuardedButton>
        <GuardedButton action="contract:review" domain={domain} className="danger" testId="review-reject" disabled={!open || busy} onClick={() => void decide('reject')}>
          Reject
        </GuardedButton>
      </div>
      <p className="muted" style={{ marginTop: 10 }}>
        Approving lets the registry accept this version's schema for <span className="mono">{proposal.contractId}</span>; rejecting sends the version back to draft with your
        comment.
      </p>
    </section>
  );
}
