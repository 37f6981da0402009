import { useState } from 'react';
import type { ConditionAcknowledgeAccepted, ConditionView } from '../../../src/api/plant-events.types';
import type { Page } from '../../../src/api/types';
import { post, query } from '../api/api.client';
import { useApi } from '../api/use-api';
import { Badge } from '../components/badges';
import { GuardedButton } from '../components/guarded-button';
import { PagedTable } from '../components/paged-table';
import { LoadState } from '../components/status';
import { formatDateTime } from '../format/format';

/** The domain whose operators may acknowledge the plant's conditions (the events product's owner). */
const EVENTS_DOMAIN = 'plant-telemetry';

/** The plant's OPC UA alarm conditions, newest state of each; an operator acknowledges one with a comment. */
export function PlantEventsPage() {
  const [page, setPage] = useState(1);
  const [onlyOpen, setOnlyOpen] = useState(true);
  const conditions = useApi<Page<ConditionView>>(`/api/plant-events/conditions${query({ page, unacknowledged: onlyOpen ? 'true' : undefined })}`, 5_000);
  return (
    <>
      <div className="page-head">
        <h1>Plant alarms</h1>
        <span className="sub">OPC UA alarm conditions from plant.telemetry.events.v1; an acknowledgement goes to the machine through its gateway</span>
      </div>
      <label className="muted">
        <input type="checkbox" data-testid="conditions-only-open" checked={onlyOpen} onChange={(e) => setOnlyOpen(e.target.checked)} /> Only active and not acknowledged
      </label>
      <LoadState loaded={conditions}>
        {(data) => (
          <section className="panel flush">
            <PagedTable
              page={data}
              testId="conditions"
              empty={onlyOpen ? 'No condition waits for an acknowledgement.' : 'No alarm condition has been reported.'}
              onPage={setPage}
              head={
                <>
                  <th>Condition</th>
                  <th>Asset</th>
                  <th className="num">Severity</th>
                  <th>Message</th>
                  <th>State</th>
                  <th>Since</th>
                  <th>Acknowledge</th>
                </>
              }
              row={(condition) => <ConditionRow key={condition.conditionId} condition={condition} onDone={conditions.reload} />}
            />
          </section>
        )}
      </LoadState>
    </>
  );
}

function ConditionRow({ condition, onDone }: { condition: ConditionView; onDone: () => void }) {
  const [comment, setComment] = useState('');
  const [outcome, setOutcome] = useState<string>();
  const [busy, setBusy] = useState(false);
  const acknowledge = async () => {
    setBusy(true);
    try {
      const accepted = await post<ConditionAcknowledgeAccepted>(`/api/plant-events/conditions/${encodeURIComponent(condition.conditionId)}/acknowledge`, {
        eventId: condition.eventId,
        comment,
      });
      setOutcome(`sent to ${accepted.gatewayId}; the state changes when the machine confirms`);
      onDone();
    } catch (cause) {
      setOutcome(cause instanceof Error ? cause.message : String(cause));
    } finally {
      setBusy(false);
    }
  };
  const open = condition.active === true && condition.acked === false;
  return (
    <tr data-testid={`condition-${condition.conditionName ?? condition.conditionId}`}>
      <td>
        <strong>{condition.conditionName ?? condition.sourceName}</strong>
        <div className="muted mono">{condition.conditionId}</div>
      </td>
      <td className="mono">{condition.assetPath ?? condition.sourceName}</td>
      <td className="num">{condition.severity}</td>
      <td>{condition.message}</td>
      <td>
        <Badge tone={condition.active ? 'warn' : 'ok'}>{condition.active ? 'active' : 'inactive'}</Badge>{' '}
        <Badge tone={condition.acked ? 'ok' : 'accent'}>{condition.acked ? 'acknowledged' : 'unacknowledged'}</Badge>
        {condition.comment && <div className="muted">{condition.comment}</div>}
      </td>
      <td className="nowrap">{formatDateTime(condition.eventTime)}</td>
      <td>
        {open && (
          <>
            <input placeholder="Comment (required)" value={comment} onChange={(e) => setComment(e.target.value)} data-testid="condition-comment" />
            <GuardedButton action="alert:act" domain={EVENTS_DOMAIN} testId="condition-acknowledge" disabled={busy || comment.trim() === ''} onClick={() => void acknowledge()}>
              Acknowledge
            </GuardedButton>
          </>
        )}
        {outcome && <div className="muted">{outcome}</div>}
      </td>
    </tr>
  );
}
