import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { AlertAction, AlertDetail, AlertStatus } from '../../../src/api/types';
import { post } from '../api/api.client';
import { useApi } from '../api/use-api';
import { AlertStatusBadge } from '../components/badges';
import { GuardedButton } from '../components/guarded-button';
import { SignalCharts } from '../components/line-chart';
import { ErrorBanner, LoadState } from '../components/status';
import { missingInput } from '../format/alert-steps';
import { formatAgo, formatDateTime, formatNumber } from '../format/format';
import { ALERT_STATUSES } from './alerts.page';

/** Alerts are data of the asset-health domain; an operator's token names that domain or the lines it works. */
const ALERT_DOMAIN = 'asset-health';

const ACTIONS: { action: AlertAction; label: string }[] = [
  { action: 'ACKNOWLEDGED', label: 'Acknowledge' },
  { action: 'DIAGNOSED', label: 'Diagnose' },
  { action: 'DISPATCHED', label: 'Dispatch' },
  { action: 'VERIFIED', label: 'Verify' },
  { action: 'CLOSED', label: 'Close' },
];

export function AlertPage() {
  const alertId = useParams().alertId ?? '';
  const alert = useApi<AlertDetail>(`/api/alerts/${encodeURIComponent(alertId)}`);
  return (
    <>
      <div className="crumbs">
        <Link to="/alerts">Alerts</Link> / <span className="mono">{alertId}</span>
      </div>
      <LoadState loaded={alert}>{(detail) => <AlertView alert={detail} onChange={alert.set} />}</LoadState>
    </>
  );
}

function AlertView({ alert, onChange }: { alert: AlertDetail; onChange: (detail: AlertDetail) => void }) {
  const onset = alert.onset ? new Date(alert.onset).getTime() : null;
  return (
    <>
      <div className="page-head">
        <h1 className="mono">{alert.assetPath}</h1>
        <AlertStatusBadge status={alert.status} testId="alert-status" />
        <span className="sub">
          {alert.assetClass} on line <span className="mono">{alert.line}</span>, opened {formatAgo(alert.openedAt)}
        </span>
        <span className="spacer" />
        <Link to={`/alerts?asset=${encodeURIComponent(alert.assetPath)}&status=all`}>This asset's alerts →</Link>
      </div>
      <Stepper status={alert.status} />
      <div className="grid side" style={{ marginBottom: 12 }}>
        <div className="stack">
          <Evidence alert={alert} />
          <section className="panel">
            <div className="toolbar" style={{ marginBottom: 4 }}>
              <h2 style={{ margin: 0 }}>Signals around the alert</h2>
              <span className="spacer" />
              <span className="muted">
                <span className="mono">{alert.signalsFrom.source}</span>, {formatDateTime(alert.signalsFrom.start)} – {formatDateTime(alert.signalsFrom.end)}; red dashes = onset
              </span>
            </div>
            {alert.signalsFrom.note && (
              <p className="muted" data-testid="signals-note">
                {alert.signalsFrom.note}
              </p>
            )}
            <SignalCharts series={alert.signals} markAt={onset} highlight={alert.evidence.contributors} />
          </section>
        </div>
        <div className="stack">
          <Actions alert={alert} onChange={onChange} />
          <section className="panel">
            <h2>History</h2>
            <ol className="timeline" data-testid="alert-history">
              {alert.history.map((event) => (
                <li key={event.eventId}>
                  <div className="what">{event.type}</div>
                  <div className="when">
                    {formatDateTime(event.at)} by {event.by}
                  </div>
                  {event.diagnosis && <div>Diagnosis: {event.diagnosis}</div>}
                  {event.workOrderId && (
                    <div>
                      Work order: <span className="mono">{event.workOrderId}</span>
                    </div>
                  )}
                  {event.note && <div className="muted">“{event.note}”</div>}
                </li>
              ))}
            </ol>
          </section>
        </div>
      </div>
    </>
  );
}

function Stepper({ status }: { status: AlertStatus }) {
  const reached = ALERT_STATUSES.indexOf(status);
  return (
    <div className="steps" data-testid="alert-steps">
      {ALERT_STATUSES.map((step, index) => (
        <div key={step} className={`step${index < reached ? ' done' : index === reached ? ' current' : ''}`}>
          {step}
        </div>
      ))}
    </div>
  );
}

function Evidence({ alert }: { alert: AlertDetail }) {
  const { score, threshold, contributors, model } = alert.evidence;
  // The meter spans up to twice the threshold (or the score, if larger) so the threshold mark sits mid-way.
  const scale = Math.max(score ?? 0, (threshold ?? 0) * 2) || 1;
  return (
    <section className="panel" data-testid="alert-evidence">
      <h2>Evidence</h2>
      <div className="grid cols-3">
        <div>
          <h3>Score vs threshold</h3>
          <div style={{ fontSize: 20, fontWeight: 600 }}>
            {formatNumber(score, 2)}{' '}
            <span className="muted" style={{ fontSize: 13, fontWeight: 400 }}>
              / {formatNumber(threshold, 2)}
            </span>
          </div>
          {score !== null && threshold !== null && (
            <>
              <div className="meter" title={`score ${score} vs threshold ${threshold}`}>
                <div className="fill" style={{ width: `${Math.min(100, (score / scale) * 100)}%` }} />
                <div className="mark" style={{ left: `${(threshold / scale) * 100}%` }} />
              </div>
              <div className="muted">{threshold > 0 ? `${formatNumber(score / threshold, 1)}× the threshold` : ''}</div>
            </>
          )}
        </div>
        <div>
          <h3>Contributing features</h3>
          {contributors.length === 0 ? (
            <div className="muted">none recorded</div>
          ) : (
            <ol style={{ margin: 0, paddingLeft: 18 }} data-testid="alert-contributors">
              {contributors.map((feature) => (
                <li key={feature} className="mono">
                  {feature}
                </li>
              ))}
            </ol>
          )}
        </div>
        <div>
          <h3>Model</h3>
          {model ? (
            <div>
              <Link to="/models" className="mono">
                {model.name}@{model.version}
              </Link>
            </div>
          ) : (
            <div className="muted">—</div>
          )}
          <dl className="kv" style={{ marginTop: 8 }}>
            <dt>Onset</dt>
            <dd>{formatDateTime(alert.onset)}</dd>
            <dt>Opened</dt>
            <dd>{formatDateTime(alert.openedAt)}</dd>
          </dl>
        </div>
      </div>
    </section>
  );
}

function Actions({ alert, onChange }: { alert: AlertDetail; onChange: (detail: AlertDetail) => void }) {
  const [note, setNote] = useState('');
  const [diagnosis, setDiagnosis] = useState(alert.diagnosis ?? '');
  const [workOrderId, setWorkOrderId] = useState(alert.workOrderId ?? '');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const act = async (action: AlertAction) => {
    const problem = missingInput(action, alert.status, { note, diagnosis, workOrderId });
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        action,
        ...(note.trim() && { note: note.trim() }),
        ...(action === 'DIAGNOSED' && { diagnosis: diagnosis.trim() }),
        ...(action === 'DISPATCHED' && { workOrderId: workOrderId.trim() }),
      };
      onChange(await post<AlertDetail>(`/api/alerts/${encodeURIComponent(alert.alertId)}/actions`, body));
      setNote('');
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    } finally {
      setBusy(false);
    }
  };

  const closed = alert.status === 'CLOSED';
  return (
    <section className="panel" data-testid="alert-actions">
      <h2>Workflow</h2>
      {error && <ErrorBanner error={error} />}
      {!closed && (
        <>
          <label className="field">
            Diagnosis (to diagnose)
            <input data-testid="alert-diagnosis" value={diagnosis} onChange={(event) => setDiagnosis(event.target.value)} placeholder="e.g. bearing wear, drive end" />
          </label>
          <label className="field">
            Work order (to dispatch)
            <input data-testid="alert-work-order" value={workOrderId} onChange={(event) => setWorkOrderId(event.target.value)} placeholder="e.g. WO-20731" />
          </label>
          <label className="field">
            Note
            <textarea
              data-testid="alert-note"
              value={note}
              onChange={(event) => setNote(event.target.value)}
              placeholder="What you saw or did (required to close before a verified repair)"
            />
          </label>
        </>
      )}
      <div className="actions">
        {ACTIONS.map(({ action, label }) => {
          const possible = alert.nextActions.includes(action);
          return (
            <GuardedButton
              key={action}
              action="alert:act"
              domain={[ALERT_DOMAIN, alert.line]}
              testId={`alert-action-${action}`}
              className={possible && action === alert.nextActions[0] ? 'primary' : undefined}
              disabled={!possible || busy}
              title={possible ? undefined : `Not a next step from ${alert.status}`}
              onClick={() => void act(action)}
            >
              {label}
            </GuardedButton>
          );
        })}
      </div>
      {closed && (
        <p className="muted" style={{ marginTop: 8 }}>
          Closed. The history below is the record of this alert.
        </p>
      )}
    </section>
  );
}
