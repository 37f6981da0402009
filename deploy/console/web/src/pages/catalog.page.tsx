import { Link, useNavigate } from 'react-router';
import type { Page, ProductSummary } from '../../../src/api/types';
import { query } from '../api/api.client';
import { useApi } from '../api/use-api';
import { Badge, LifecycleBadge, SloBadge } from '../components/badges';
import { useListParams } from '../components/list-params';
import { PagedTable } from '../components/paged-table';
import { SearchInput } from '../components/search-input';
import { SiteSelect } from '../components/site-select';
import { LoadState } from '../components/status';

const PAGE_SIZE = 25;

/** Domains and their data products: who owns what, what it holds, whether it meets its SLOs. */
export function CatalogPage() {
  const { values, page, setFilter, setPage } = useListParams(['search', 'domain', 'site'] as const);
  const products = useApi<Page<ProductSummary>>(`/api/catalog${query({ search: values.search, domain: values.domain, site: values.site, page, pageSize: PAGE_SIZE })}`);
  // The domain facet counts every product, whatever is filtered.
  const all = useApi<Page<ProductSummary>>('/api/catalog?pageSize=200');
  const navigate = useNavigate();
  const domains = countBy(all.data?.items ?? [], (p) => p.domain);

  return (
    <>
      <div className="page-head">
        <h1>Data catalog</h1>
        <span className="sub">Data products by domain, from their contracts</span>
        <span className="spacer" />
        <a href="/api/asyncapi.yaml" target="_blank" rel="noreferrer">
          AsyncAPI (YAML)
        </a>
        <a href="/api/asyncapi.json" target="_blank" rel="noreferrer">
          AsyncAPI (JSON)
        </a>
      </div>
      <div className="stats" data-testid="catalog-domains">
        {[...domains].map(([domain, count]) => (
          <button
            key={domain}
            className={`stat${values.domain === domain ? ' selected' : ''}`}
            style={{ textAlign: 'left', borderColor: values.domain === domain ? 'var(--accent)' : undefined }}
            onClick={() => setFilter('domain', values.domain === domain ? '' : domain)}
          >
            <div className="label">domain</div>
            <div className="value" style={{ fontSize: 16 }}>
              {domain}
            </div>
            <div className="hint">
              {count} product{count === 1 ? '' : 's'}
            </div>
          </button>
        ))}
      </div>
      <div className="panel flush">
        <div className="toolbar" style={{ padding: '10px 12px 0' }}>
          <SearchInput testId="catalog-search" value={values.search} onSearch={(text) => setFilter('search', text)} placeholder="Search products, owners, fields…" />
          <select data-testid="catalog-domain" value={values.domain} onChange={(event) => setFilter('domain', event.target.value)}>
            <option value="">All domains</option>
            {[...domains.keys()].map((domain) => (
              <option key={domain}>{domain}</option>
            ))}
          </select>
          <SiteSelect testId="catalog-site" value={values.site} onChange={(site) => setFilter('site', site)} />
        </div>
        <LoadState loaded={products}>
          {(data) => (
            <PagedTable
              page={data}
              testId="catalog-table"
              head={
                <>
                  <th>Product</th>
                  <th>Domain</th>
                  <th>Topic</th>
                  <th>Owner</th>
                  <th>Purpose</th>
                  <th className="num">Fields</th>
                  <th>Version</th>
                  <th>SLO</th>
                </>
              }
              row={(product) => (
                <tr key={product.id} className="clickable" data-testid={`catalog-row-${product.id}`} onClick={() => void navigate(`/catalog/${encodeURIComponent(product.id)}`)}>
                  <td className="nowrap">
                    <Link to={`/catalog/${encodeURIComponent(product.id)}`} onClick={(event) => event.stopPropagation()}>
                      {product.dataProduct}
                    </Link>
                    {product.hasPersonalData && (
                      <>
                        {' '}
                        <Badge tone="info" title="Some fields are classified personal">
                          personal
                        </Badge>
                      </>
                    )}
                  </td>
                  <td>{product.domain}</td>
                  <td className="mono nowrap">{product.topic}</td>
                  <td>
                    {product.owner.team}
                    <div className="muted">{product.owner.contact}</div>
                  </td>
                  <td style={{ maxWidth: 380 }}>{product.purpose}</td>
                  <td className="num">{product.fieldCount}</td>
                  <td className="nowrap">
                    {product.version} <LifecycleBadge status={product.status} />
                  </td>
                  <td>
                    <SloBadge state={product.sloState} />
                  </td>
                </tr>
              )}
              empty="No product matches these filters."
              onPage={setPage}
            />
          )}
        </LoadState>
      </div>
    </>
  );
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
}
