import { Link } from 'react-router';
import type { Page, SloState, SloStatus, SloView } from '../../../src/api/types';
import { query } from '../api/api.client';
import { useApi } from '../api/use-api';
import { Badge, SloBadge } from '../components/badges';
import { useListParams } from '../components/list-params';
import { PagedTable } from '../components/paged-table';
import { SearchInput } from '../components/search-input';
import { LoadState } from '../components/status';
import { formatAgo, formatDateTime, formatSloObjective, formatSloValue } from '../format/format';

const PAGE_SIZE = 30;

/** Live freshness and completeness per product and line, and the breaches and recoveries on `_fieldmesh.slo`. */
export function SloPage() {
  const { values, page, setFilter, setPage } = useListParams(['product', 'state', 'search'] as const);
  // The API filters, searches and sorts (breached first); the page only pages what it sends.
  const slo = useApi<SloView>(`/api/slo${query({ product: values.product, state: values.state, search: values.search })}`, 5_000);

  return (
    <>
      <div className="page-head">
        <h1>Service levels</h1>
        <span className="sub">Freshness and completeness of every data product, per line, computed from the streams</span>
      </div>
      <LoadState loaded={slo}>
        {(view) => {
          const start = (page - 1) * PAGE_SIZE;
          const rows: Page<SloStatus> = {
            items: view.status.slice(start, start + PAGE_SIZE),
            total: view.status.length,
            page,
            pageSize: PAGE_SIZE,
            pageCount: Math.max(1, Math.ceil(view.status.length / PAGE_SIZE)),
          };
          const counts = countStates(view.status);
          return (
            <>
              <div className="stats">
                <Tile label="Breached" value={counts.breached} tone="bad" onClick={() => setFilter('state', 'breached')} />
                <Tile label="OK" value={counts.ok} tone="ok" onClick={() => setFilter('state', 'ok')} />
                <Tile label="Unknown" value={counts.unknown} tone="neutral" onClick={() => setFilter('state', 'unknown')} />
                <Tile label="Events (recent)" value={view.events.length} tone="accent" />
              </div>
              <div className="grid side">
                <section className="panel flush">
                  <div className="toolbar" style={{ padding: '10px 12px 0' }}>
                    <SearchInput value={values.search} onSearch={(text) => setFilter('search', text)} placeholder="Search product, scope…" testId="slo-search" />
                    <select data-testid="slo-filter-state" value={values.state} onChange={(event) => setFilter('state', event.target.value)}>
                      <option value="">All states</option>
                      <option value="breached">breached</option>
                      <option value="ok">ok</option>
                      <option value="unknown">unknown</option>
                    </select>
                    <select data-testid="slo-filter-product" value={values.product} onChange={(event) => setFilter('product', event.target.value)}>
                      <option value="">All products</option>
                      {[...new Set(view.status.map((row) => row.product))].sort().map((product) => (
                        <option key={product}>{product}</option>
                      ))}
                      {values.product && !view.status.some((row) => row.product === values.product) && <option>{values.product}</option>}
                    </select>
                  </div>
                  <PagedTable
                    page={rows}
                    testId="slo-table"
                    head={
                      <>
                        <th>Product</th>
                        <th>SLO</th>
                        <th>Scope</th>
                        <th>State</th>
                        <th className="num">Observed</th>
                        <th>Objective</th>
                        <th>Since</th>
                      </>
                    }
                    row={(row) => (
                      <tr key={`${row.product}|${row.slo}|${row.scope}`} data-testid={`slo-row-${row.product}-${row.slo}-${row.scope}`}>
                        <td className="nowrap">
                          <Link to={`/catalog/${encodeURIComponent(row.product)}`}>{row.product}</Link>
                        </td>
                        <td>{row.slo}</td>
                        <td className="mono nowrap">{row.scope === '*' ? 'whole product' : row.scope}</td>
                        <td>
                          <SloBadge state={row.state} />
                        </td>
                        <td className="num">{formatSloValue(row.slo, row.observed)}</td>
                        <td className="muted nowrap">{formatSloObjective(row.slo, row.objective)}</td>
                        <td className="nowrap muted" title={formatDateTime(row.since)}>
                          {formatAgo(row.since)}
                        </td>
                      </tr>
                    )}
                    empty="No SLO status matches (is the SLO monitor running?)."
                    onPage={setPage}
                  />
                </section>
                <section className="panel">
                  <h2>Breaches and recoveries</h2>
                  {view.events.length === 0 ? (
                    <div className="muted">No SLO events yet.</div>
                  ) : (
                    <ol className="timeline" data-testid="slo-events">
                      {view.events.slice(0, 40).map((event) => (
                        <li key={`${event.at}|${event.product}|${event.slo}|${event.scope}|${event.type}`} className={event.type === 'BREACHED' ? 'bad' : 'ok'}>
                          <div className="what">
                            <Badge tone={event.type === 'BREACHED' ? 'bad' : 'ok'}>{event.type}</Badge> {event.product} {event.slo}
                          </div>
                          <div className="when">
                            {formatDateTime(event.at)} · <span className="mono">{event.scope}</span>
                          </div>
                          <div className="muted">{event.message}</div>
                        </li>
                      ))}
                    </ol>
                  )}
                </section>
              </div>
            </>
          );
        }}
      </LoadState>
    </>
  );
}

function Tile({ label, value, tone, onClick }: { label: string; value: number; tone: 'ok' | 'bad' | 'neutral' | 'accent'; onClick?: () => void }) {
  const colour = { ok: 'var(--ok)', bad: 'var(--bad)', neutral: 'var(--muted)', accent: 'var(--accent)' }[tone];
  return (
    <div className="stat" style={{ cursor: onClick ? 'pointer' : undefined, borderTop: `3px solid ${colour}` }} onClick={onClick}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
}

function countStates(rows: readonly SloStatus[]): Record<SloState, number> {
  const counts: Record<SloState, number> = { ok: 0, breached: 0, unknown: 0 };
  for (const row of rows) counts[row.state] += 1;
  return counts;
}
