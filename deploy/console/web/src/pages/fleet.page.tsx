import { useState } from 'react';
import type { DiagnosticCommandType, GatewayAnswer } from '@fieldmesh/connect';
import type { FleetCommandAccepted, FleetCommandRequest, GatewayDetail, GatewayView, RolloutView } from '../../../src/api/fleet.types';
import type { Page } from '../../../src/api/types';
import { post, query } from '../api/api.client';
import { useApi } from '../api/use-api';
import { Badge } from '../components/badges';
import { CopyBox } from '../components/copy-box';
import { GuardedButton } from '../components/guarded-button';
import { PagedTable } from '../components/paged-table';
import { LoadState } from '../components/status';
import { formatAgo, formatDateTime, formatNumber } from '../format/format';

/** The domain whose operators may command gateways (they publish its source products). */
const GATEWAYS_DOMAIN = 'plant-telemetry';

/** The diagnostics a gateway answers, with their buttons' labels (reconnect is per connector, below). */
const DIAGNOSTICS: Record<Exclude<DiagnosticCommandType, 'reconnect-connector'>, string> = {
  health: 'Health',
  'metrics-snapshot': 'Metrics',
  'log-tail': 'Last 100 log lines',
  'effective-config': 'Configuration',
  'buffer-state': 'Buffer',
};

/** Every gateway's last heartbeat, state and buffer; select one to send it diagnostics and read its answers. */
export function FleetPage() {
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string>();
  const gateways = useApi<Page<GatewayView>>(`/api/fleet/gateways${query({ page })}`, 5_000);
  return (
    <>
      <div className="page-head">
        <h1>Fleet</h1>
        <span className="sub">Gateways by their heartbeats on _fieldmesh.gateway-replies; commands go through _fieldmesh.gateway-commands with your name</span>
      </div>
      <LoadState loaded={gateways}>
        {(data) => (
          <section className="panel flush">
            <PagedTable
              page={data}
              testId="gateways"
              empty="No gateway has sent a heartbeat: a gateway reports once its config has `commands`."
              onPage={setPage}
              head={
                <>
                  <th>Gateway</th>
                  <th>State</th>
                  <th>Last heartbeat</th>
                  <th>Connectors</th>
                  <th>Desired state</th>
                  <th className="num">Buffered</th>
                  <th className="num">Buffer bytes</th>
                  <th className="num">Oldest unacked</th>
                </>
              }
              row={(gateway) => (
                <tr key={gateway.gatewayId} data-testid={`gateway-${gateway.gatewayId}`} className="clickable" onClick={() => setSelected(gateway.gatewayId)}>
                  <td className="mono">
                    <strong>{gateway.gatewayId}</strong>
                  </td>
                  <td>
                    <StateBadge gateway={gateway} />
                  </td>
                  <td className="nowrap" title={formatDateTime(gateway.lastHeartbeat)}>
                    {formatAgo(gateway.lastHeartbeat)}
                  </td>
                  <td>
                    {Object.entries(gateway.connectors).map(([name, up]) => (
                      <Badge key={name} tone={up ? 'ok' : 'bad'}>
                        {name}
                      </Badge>
                    ))}
                  </td>
                  <td>
                    <DesiredStateCell gateway={gateway} />
                  </td>
                  <td className="num">{formatNumber(gateway.buffer.pendingRecords)}</td>
                  <td className="num">{formatNumber(gateway.buffer.bytes)}</td>
                  <td className="num mono">{gateway.buffer.oldestUnackedSeq ?? '–'}</td>
                </tr>
              )}
            />
          </section>
        )}
      </LoadState>
      {selected && <GatewayPanel gatewayId={selected} />}
      <Rollouts />
    </>
  );
}

const OUTCOME_TONE = { applying: 'warn', applied: 'ok', 'rolled-back': 'bad', rejected: 'bad' } as const;

/** The version a gateway runs and, when it differs, the last one it received and what became of it. */
function DesiredStateCell({ gateway }: { gateway: GatewayView }) {
  const report = gateway.desiredState;
  if (!report) return <span className="muted">–</span>;
  const latest = report.latest;
  return (
    <span title={latest?.reason}>
      <span className="mono">{report.appliedVersion === null ? 'file config' : `v${report.appliedVersion}`}</span>{' '}
      {latest && (latest.outcome !== 'applied' || latest.version !== report.appliedVersion) && (
        <Badge tone={OUTCOME_TONE[latest.outcome]}>
          v{latest.version} {latest.outcome}
        </Badge>
      )}
    </span>
  );
}

const ROLLOUT_TONE = { running: 'warn', completed: 'ok', stopped: 'bad' } as const;

/** Rollouts of desired states (`fieldmesh fleet rollout`), newest first, each with its steps from the audit trail. */
function Rollouts() {
  const [page, setPage] = useState(1);
  const rollouts = useApi<Page<RolloutView>>(`/api/fleet/rollouts${query({ page })}`, 5_000);
  return (
    <>
      <div className="page-head">
        <h2>Rollouts</h2>
        <span className="sub">Every step of `fieldmesh fleet rollout` and `rollback`, from _fieldmesh.fleet-rollouts</span>
      </div>
      <LoadState loaded={rollouts}>
        {(data) => (
          <section className="panel flush">
            <PagedTable
              page={data}
              testId="rollouts"
              empty="No rollout yet: `fieldmesh fleet rollout <state.yaml> --canary <gateway>` starts one."
              onPage={setPage}
              head={
                <>
                  <th>Rollout</th>
                  <th>Status</th>
                  <th>Signed by</th>
                  <th>Started</th>
                  <th>Steps</th>
                </>
              }
              row={(rollout) => (
                <tr key={rollout.rolloutId} data-testid={`rollout-${rollout.rolloutId}`}>
                  <td className="mono">{rollout.rolloutId}</td>
                  <td>
                    <Badge tone={ROLLOUT_TONE[rollout.status]}>{rollout.status}</Badge>
                  </td>
                  <td>{rollout.by}</td>
                  <td className="nowrap" title={formatDateTime(rollout.startedAt)}>
                    {formatAgo(rollout.startedAt)}
                  </td>
                  <td>
                    {rollout.steps.map((step, index) => (
                      <div key={index} title={formatDateTime(step.at)}>
                        {step.step}
                        {step.gatewayId && <span className="mono"> {step.gatewayId}</span>}
                        {step.version !== undefined && <span className="mono"> v{step.version}</span>}
                        {step.detail && <span className="muted">: {step.detail}</span>}
                      </div>
                    ))}
                  </td>
                </tr>
              )}
            />
          </section>
        )}
      </LoadState>
    </>
  );
}

function StateBadge({ gateway }: { gateway: GatewayView }) {
  if (gateway.silent) return <Badge tone="bad">silent</Badge>;
  return (
    <>
      <Badge tone={gateway.state === 'ok' ? 'ok' : 'warn'}>{gateway.state}</Badge> {!gateway.uplink && <Badge tone="warn">buffering: no uplink</Badge>}
    </>
  );
}

function GatewayPanel({ gatewayId }: { gatewayId: string }) {
  const detail = useApi<GatewayDetail>(`/api/fleet/gateways/${encodeURIComponent(gatewayId)}`, 3_000);
  const [outcome, setOutcome] = useState<string>();
  const send = async (request: FleetCommandRequest) => {
    try {
      const accepted = await post<FleetCommandAccepted>(`/api/fleet/gateways/${encodeURIComponent(gatewayId)}/commands`, request);
      setOutcome(`${accepted.type} sent (${accepted.commandId}); the answer shows below when the gateway sends it`);
      detail.reload();
    } catch (cause) {
      setOutcome(cause instanceof Error ? cause.message : String(cause));
    }
  };
  return (
    <LoadState loaded={detail}>
      {(gateway) => (
        <section className="panel" data-testid="gateway-panel">
          <h2 className="mono">{gateway.gatewayId}</h2>
          <div className="muted">
            Running since {formatDateTime(gateway.startedAt)}; a heartbeat every {gateway.intervalSeconds} s; buffer {gateway.buffer.segments} segment(s),{' '}
            {formatNumber(gateway.buffer.droppedRecords)} dropped
          </div>
          <div className="actions">
            {(Object.entries(DIAGNOSTICS) as Array<[keyof typeof DIAGNOSTICS, string]>).map(([type, label]) => (
              <GuardedButton key={type} action="alert:act" domain={GATEWAYS_DOMAIN} testId={`command-${type}`} onClick={() => void send({ type })}>
                {label}
              </GuardedButton>
            ))}
            {Object.keys(gateway.connectors).map((connector) => (
              <GuardedButton
                key={connector}
                action="alert:act"
                domain={GATEWAYS_DOMAIN}
                testId={`reconnect-${connector}`}
                onClick={() => void send({ type: 'reconnect-connector', connector })}
              >
                Reconnect {connector}
              </GuardedButton>
            ))}
          </div>
          {outcome && <div className="notice">{outcome}</div>}
          <h2>Answers</h2>
          {gateway.answers.length === 0 && <div className="empty">No answer yet.</div>}
          {gateway.answers.map((answer, index) => (
            <AnswerView key={answer.commandId ?? `unnamed-${index}`} answer={answer} />
          ))}
        </section>
      )}
    </LoadState>
  );
}

function AnswerView({ answer }: { answer: GatewayAnswer }) {
  const text =
    answer.type === 'metrics-snapshot'
      ? (answer.answer as { text?: string } | undefined)?.text
      : answer.type === 'log-tail'
        ? (answer.answer as { lines?: string[] } | undefined)?.lines?.join('\n')
        : undefined;
  return (
    <div data-testid={`answer-${answer.commandId ?? 'unnamed'}`} style={{ marginBottom: 10 }}>
      <div>
        <Badge tone={answer.outcome === 'done' ? 'ok' : 'bad'}>{answer.outcome}</Badge> <strong>{answer.type}</strong> asked by {answer.requestedBy ?? 'unknown'}, answered{' '}
        {formatDateTime(answer.answeredAt)}
      </div>
      {answer.error && <div className="error">{answer.error}</div>}
      {answer.answer !== undefined && <CopyBox text={text ?? JSON.stringify(answer.answer, null, 2)} />}
    </div>
  );
}
