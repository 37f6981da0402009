import { Link, useNavigate } from 'react-router';
import type { AlertStatus, AlertSummary, Kpis, Page } from '../../../src/api/types';
import { query } from '../api/api.client';
import { useApi } from '../api/use-api';
import { AlertStatusBadge } from '../components/badges';
import { filterOrDefault, useListParams } from '../components/list-params';
import { PagedTable } from '../components/paged-table';
import { SearchInput } from '../components/search-input';
import { SiteSelect } from '../components/site-select';
import { LoadState } from '../components/status';
import { formatAgo, formatDateTime, formatNumber } from '../format/format';

export const ALERT_STATUSES: AlertStatus[] = ['OPENED', 'ACKNOWLEDGED', 'DIAGNOSED', 'DISPATCHED', 'VERIFIED', 'CLOSED'];
const ACTIVE = ALERT_STATUSES.filter((status) => status !== 'CLOSED').join(',');

export const alertPath = (alertId: string) => `/alerts/${encodeURIComponent(alertId)}`;

/** The operators' board: every alert with filters, and the downtime the workflow has avoided. */
export function AlertsPage() {
  const { values, page, setFilter, setPage } = useListParams(['status', 'asset', 'line', 'assetClass', 'site', 'search'] as const);
  // The board opens on the alerts still being worked; `status=all` shows closed ones too.
  const status = filterOrDefault(values.status, ACTIVE);
  const alerts = useApi<Page<AlertSummary>>(
    `/api/alerts${query({ status, asset: values.asset, line: values.line, assetClass: values.assetClass, site: values.site, search: values.search, page, pageSize: 25 })}`,
    10_000,
  );
  const kpis = useApi<Kpis>(`/api/kpis${query({ line: values.line, pageSize: 8 })}`, 30_000);
  const navigate = useNavigate();

  return (
    <>
      <div className="page-head">
        <h1>Alert board</h1>
        <span className="sub">Anomalies taken through Acknowledge → Diagnose → Dispatch → Verify → Close</span>
      </div>
      <KpiStrip kpis={kpis.data} />
      <div className="grid side">
        <div className="panel flush">
          <div className="toolbar" style={{ padding: '10px 12px 0' }}>
            <SearchInput value={values.search} onSearch={(text) => setFilter('search', text)} placeholder="Search asset, diagnosis, work order…" testId="alert-search" />
            <select data-testid="alert-filter-status" value={values.status} onChange={(event) => setFilter('status', event.target.value)}>
              <option value="">Active (not closed)</option>
              <option value="all">All statuses</option>
              {ALERT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            <SearchInput value={values.asset} onSearch={(text) => setFilter('asset', text)} placeholder="Asset path" testId="alert-filter-asset" narrow />
            <select data-testid="alert-filter-line" value={values.line} onChange={(event) => setFilter('line', event.target.value)}>
              <option value="">All lines</option>
              {(kpis.data?.perLine ?? []).map((row) => (
                <option key={row.key} value={row.key}>
                  {row.key}
                </option>
              ))}
              {values.line && !kpis.data?.perLine.some((row) => row.key === values.line) && <option value={values.line}>{values.line}</option>}
            </select>
            <SiteSelect testId="alert-filter-site" value={values.site} onChange={(site) => setFilter('site', site)} />
          </div>
          <LoadState loaded={alerts}>
            {(data) => (
              <PagedTable
                page={data}
                testId="alert-table"
                head={
                  <>
                    <th>Status</th>
                    <th>Asset</th>
                    <th>Opened</th>
                    <th className="num">Score</th>
                    <th>Diagnosis / work order</th>
                    <th>Updated</th>
                  </>
                }
                row={(alert) => (
                  <tr key={alert.alertId} className="clickable" data-testid={`alert-row-${alert.alertId}`} onClick={() => void navigate(alertPath(alert.alertId))}>
                    <td>
                      <AlertStatusBadge status={alert.status} />
                    </td>
                    <td className="nowrap">
                      <Link className="mono" to={alertPath(alert.alertId)} onClick={(event) => event.stopPropagation()}>
                        {alert.assetPath}
                      </Link>
                      <div className="muted">{alert.assetClass}</div>
                    </td>
                    <td className="nowrap" title={formatDateTime(alert.openedAt)}>
                      {formatAgo(alert.openedAt)}
                    </td>
                    <td className="num" title={alert.modelName ? `scored by ${alert.modelName}@${alert.modelVersion}` : undefined}>
                      {formatNumber(alert.score, 2)}
                    </td>
                    <td>
                      {alert.diagnosis ?? ''}
                      {alert.workOrderId && <div className="mono muted">{alert.workOrderId}</div>}
                    </td>
                    <td className="nowrap muted">{formatAgo(alert.updatedAt)}</td>
                  </tr>
                )}
                empty="No alert matches these filters."
                onPage={setPage}
              />
            )}
          </LoadState>
        </div>
        <div className="stack">
          <section className="panel flush" data-testid="kpi-per-line">
            <h2>Downtime avoided per line</h2>
            <KpiTable rows={kpis.data?.perLine ?? []} onPick={(line) => setFilter('line', line)} />
          </section>
          <section className="panel flush" data-testid="kpi-per-asset">
            <h2>
              Per asset{' '}
              {kpis.data && (
                <span className="muted">
                  (top {kpis.data.perAsset.items.length} of {formatNumber(kpis.data.perAsset.total)})
                </span>
              )}
            </h2>
            <KpiTable rows={kpis.data?.perAsset.items ?? []} onPick={(asset) => setFilter('asset', asset)} />
          </section>
          {kpis.data && (
            <p className="muted" style={{ fontSize: 12 }}>
              {kpis.data.formula}
            </p>
          )}
        </div>
      </div>
    </>
  );
}

function KpiStrip({ kpis }: { kpis: Kpis | undefined }) {
  const total = kpis?.total;
  return (
    <div className="stats" data-testid="kpi-strip">
      <div className="stat">
        <div className="label">Downtime avoided</div>
        <div className="value" data-testid="kpi-downtime-avoided">
          {formatNumber(total?.downtimeAvoidedHours, 1)}
          <small>h</small>
        </div>
        <div className="hint">verified repairs × hours per avoided failure</div>
      </div>
      <div className="stat">
        <div className="label">Failures avoided</div>
        <div className="value">{formatNumber(total?.avoidedFailures)}</div>
        <div className="hint">alerts that reached VERIFIED</div>
      </div>
      <div className="stat">
        <div className="label">Open alerts</div>
        <div className="value">{formatNumber(total?.openAlerts)}</div>
        <div className="hint">not yet closed</div>
      </div>
      <div className="stat">
        <div className="label">Closed without repair</div>
        <div className="value">{formatNumber(total?.closedWithoutRepair)}</div>
        <div className="hint">false alarms, fixed on the spot</div>
      </div>
    </div>
  );
}

function KpiTable({ rows, onPick }: { rows: Kpis['perLine']; onPick: (key: string) => void }) {
  if (rows.length === 0) return <div className="empty">No verified repairs yet.</div>;
  return (
    <table>
      <thead>
        <tr>
          <th>{rows[0]?.assetClass === null ? 'Line' : 'Asset'}</th>
          <th className="num">Avoided</th>
          <th className="num">Hours</th>
          <th className="num">Open</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key} className="clickable" onClick={() => onPick(row.key)} title="Filter the board by this">
            <td className="mono" style={{ overflowWrap: 'anywhere' }}>
              {row.key}
            </td>
            <td className="num">{formatNumber(row.avoidedFailures)}</td>
            <td className="num">{formatNumber(row.downtimeAvoidedHours, 1)}</td>
            <td className="num">{formatNumber(row.openAlerts)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
