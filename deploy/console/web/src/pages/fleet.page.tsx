import { useState } from 'react';
import type { DiagnosticCommandType, GatewayAnswer } from '@fieldmesh/connect';
import type { FleetCommandAccepted, FleetCommandRequest, GatewayDetail, GatewayView } from '../../../src/api/fleet.types';
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
