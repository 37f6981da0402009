import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { ProductDetail, SampleQueryResult, SloStatus } from '../../../src/api/types';
import { post } from '../api/api.client';
import { useApi } from '../api/use-api';
import { ClassificationBadge, LifecycleBadge, SloBadge } from '../components/badges';
import { CopyBox } from '../components/copy-box';
import { GuardedButton } from '../components/guarded-button';
import { ErrorBanner, LoadState } from '../components/status';
import { formatCell, formatIsoDuration, formatNumber, formatSloObjective, formatSloValue } from '../format/format';

/** One data product: its contract, schema with field semantics, SLOs, retention, throughput and warehouse table. */
export function ProductPage() {
  const id = useParams().id ?? '';
  const product = useApi<ProductDetail>(`/api/catalog/${encodeURIComponent(id)}`, 15_000);
  return (
    <>
      <div className="crumbs">
        <Link to="/catalog">Catalog</Link> / {id}
      </div>
      <LoadState loaded={product}>{(detail) => <ProductView product={detail} />}</LoadState>
    </>
  );
}

function ProductView({ product }: { product: ProductDetail }) {
  return (
    <>
      <div className="page-head">
        <h1 data-testid="product-title">{product.dataProduct}</h1>
        <span className="mono sub">{product.id}</span>
        <span>
          v{product.version} <LifecycleBadge status={product.status} />
        </span>
        <SloBadge state={product.sloState} />
        <span className="spacer" />
        <Link to={`/lineage?dataset=${encodeURIComponent(product.topic)}`}>Lineage →</Link>
        <Link to={`/reviews?search=${encodeURIComponent(product.id)}`}>Reviews →</Link>
      </div>
      <div className="grid cols-3" style={{ marginBottom: 12 }}>
        <section className="panel">
          <h2>Ownership</h2>
          <dl className="kv">
            <dt>Domain</dt>
            <dd>{product.domain}</dd>
            <dt>Owner</dt>
            <dd data-testid="product-owner">{product.owner.team}</dd>
            <dt>Contact</dt>
            <dd>{product.owner.contact}</dd>
            <dt>Compatibility</dt>
            <dd className="mono">{product.compatibility}</dd>
            <dt>Upstream</dt>
            <dd>
              {product.upstream.length === 0
                ? '—'
                : product.upstream.map((topic) => (
                    <div key={topic}>
                      <Link className="mono" to={`/lineage?dataset=${encodeURIComponent(topic)}`}>
                        {topic}
                      </Link>
                    </div>
                  ))}
            </dd>
          </dl>
        </section>
        <section className="panel">
          <h2>Kafka</h2>
          <dl className="kv">
            <dt>Topic</dt>
            <dd className="mono">{product.kafka.topic}</dd>
            <dt>Partitions</dt>
            <dd>
              {product.kafka.partitions} × RF {product.kafka.replicationFactor}, key <span className="mono">{product.kafka.key}</span>
            </dd>
            <dt>Retention</dt>
            <dd data-testid="retention-kafka">{formatIsoDuration(product.retention.kafka)}</dd>
            <dt>Throughput</dt>
            <dd data-testid="product-throughput">
              {product.throughput.messagesPerSecond === null ? '—' : `${formatNumber(product.throughput.messagesPerSecond, 1)} msg/s`}
              <span className="muted"> over {product.throughput.windowSeconds} s</span>
            </dd>
            <dt>Records</dt>
            <dd>{formatNumber(product.throughput.records)}</dd>
            <dt>Subject</dt>
            <dd>
              <span className="mono">{product.registry.subject}</span>
              {product.registry.latestVersion !== null && (
                <span className="muted">
                  {' '}
                  v{product.registry.latestVersion}, id {product.registry.schemaId}
                </span>
              )}
            </dd>
          </dl>
        </section>
        <section className="panel">
          <h2>ClickHouse</h2>
          <dl className="kv">
            <dt>Table</dt>
            <dd className="mono" data-testid="warehouse-table">
              {product.warehouse.table ?? 'not sunk'}
            </dd>
            <dt>Retention</dt>
            <dd data-testid="retention-warehouse">{formatIsoDuration(product.retention.warehouse)}</dd>
            <dt>Rows</dt>
            <dd>{formatNumber(product.warehouse.rows)}</dd>
          </dl>
          <h3 style={{ marginTop: 12 }}>Versions</h3>
          {product.versions.length === 0 ? (
            <div className="muted">No reviewed versions (registry not governed).</div>
          ) : (
            product.versions.map((version) => (
              <div key={version.version}>
                {version.version} <LifecycleBadge status={version.status} /> {version.proposalId && <Link to={`/reviews/${encodeURIComponent(version.proposalId)}`}>proposal</Link>}
              </div>
            ))
          )}
        </section>
      </div>
      <section className="panel">
        <h2>Description</h2>
        <p>{product.description.purpose}</p>
        {product.description.usage && (
          <p>
            <span className="muted">Usage: </span>
            {product.description.usage}
          </p>
        )}
        {product.description.limitations && (
          <p>
            <span className="muted">Limitations: </span>
            {product.description.limitations}
          </p>
        )}
      </section>
      <div className="grid side" style={{ marginBottom: 12 }}>
        <section className="panel flush">
          <h2>Fields</h2>
          <div className="table-wrap">
            <table data-testid="product-fields">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Type</th>
                  <th>Unit</th>
                  <th>Classification</th>
                  <th>Description</th>
                </tr>
              </thead>
              <tbody>
                {product.fields.map((field) => (
                  <tr key={field.name} className={field.classification === 'personal' ? 'privacy' : undefined}>
                    <td className="mono nowrap">{field.name}</td>
                    <td className="mono">
                      {field.type}
                      {field.nullable && <span className="muted"> ?</span>}
                    </td>
                    <td>{field.unit ?? <span className="muted">—</span>}</td>
                    <td className="nowrap">
                      <ClassificationBadge classification={field.classification} />
                      {field.masking && field.masking !== 'none' && <span className="muted"> {field.masking}</span>}
                    </td>
                    <td>
                      {field.description ?? <span className="muted">—</span>}
                      {field.doc && field.doc !== field.description && <div className="muted">{field.doc}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <div className="stack">
          <SloPanel product={product} />
          {product.quality.length > 0 && (
            <section className="panel">
              <h2>Quality rules</h2>
              {product.quality.map((rule) => (
                <div key={rule.name}>
                  <span className="mono">{rule.field}</span> {rule.rule} <span className="muted">({rule.name})</span>
                </div>
              ))}
            </section>
          )}
        </div>
      </div>
      <SampleQuery product={product} />
      <ConsumerExample id={product.id} />
      <section className="panel">
        <details>
          <summary style={{ cursor: 'pointer' }}>
            <h2 style={{ display: 'inline' }}>Avro schema</h2>
          </summary>
          <div style={{ marginTop: 8 }}>
            <CopyBox text={JSON.stringify(product.schema, null, 2)} testId="product-schema" />
          </div>
        </details>
      </section>
    </>
  );
}

function SloPanel({ product }: { product: ProductDetail }) {
  // One row per scope with both SLOs side by side: the whole product first, then lines.
  const scopes = [...new Set(product.sloStatus.map((row) => row.scope))].sort((a, b) => (a === '*' ? -1 : b === '*' ? 1 : a.localeCompare(b)));
  const cell = (scope: string, slo: SloStatus['slo']) => {
    const row = product.sloStatus.find((status) => status.scope === scope && status.slo === slo);
    return row ? (
      <span title={formatSloObjective(row.slo, row.objective)}>
        <SloBadge state={row.state} /> {formatSloValue(row.slo, row.observed)}
      </span>
    ) : (
      <span className="muted">—</span>
    );
  };
  return (
    <section className="panel" data-testid="product-slo">
      <h2>SLOs</h2>
      <dl className="kv" style={{ marginBottom: 8 }}>
        <dt>Freshness</dt>
        <dd>newest record at most {formatIsoDuration(product.slos.freshness.maxAge)} old</dd>
        <dt>Completeness</dt>
        <dd>
          ≥ {formatNumber(product.slos.completeness.minRatio * 100, 1)} % of expected readings per {formatIsoDuration(product.slos.completeness.window)}
        </dd>
      </dl>
      {scopes.length === 0 ? (
        <div className="muted">No live status (no SLO monitor running).</div>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Scope</th>
              <th>Freshness</th>
              <th>Completeness</th>
            </tr>
          </thead>
          <tbody>
            {scopes.slice(0, 10).map((scope) => (
              <tr key={scope}>
                <td className="mono" style={{ overflowWrap: 'anywhere' }}>
                  {scope === '*' ? 'whole product' : scope}
                </td>
                <td className="nowrap">{cell(scope, 'freshness')}</td>
                <td className="nowrap">{cell(scope, 'completeness')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {scopes.length > 10 && <Link to={`/slo?product=${encodeURIComponent(product.id)}`}>All {scopes.length} scopes →</Link>}
    </section>
  );
}

function SampleQuery({ product }: { product: ProductDetail }) {
  const [result, setResult] = useState<SampleQueryResult>();
  const [error, setError] = useState<Error>();
  const [running, setRunning] = useState(false);
  if (!product.warehouse.sampleQuery) return null;
  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setResult(await post<SampleQueryResult>(`/api/catalog/${encodeURIComponent(product.id)}/sample-query`));
    } catch (cause) {
      setError(cause instanceof Error ? cause : new Error(String(cause)));
    } finally {
      setRunning(false);
    }
  };
  return (
    <section className="panel">
      <div className="toolbar">
        <h2 style={{ margin: 0 }}>Sample query</h2>
        <span className="spacer" />
        <GuardedButton action="warehouse:query" className="primary" testId="sample-query-run" onClick={() => void run()} disabled={running}>
          {running ? 'Running…' : 'Run on ClickHouse'}
        </GuardedButton>
      </div>
      <CopyBox text={product.warehouse.sampleQuery} testId="sample-query-sql" />
      {error && (
        <div style={{ marginTop: 8 }}>
          <ErrorBanner error={error} />
        </div>
      )}
      {result && (
        <div style={{ marginTop: 8 }}>
          <div className="muted" style={{ marginBottom: 4 }}>
            {result.rows.length} row{result.rows.length === 1 ? '' : 's'} in {formatNumber(result.elapsedMs)} ms
          </div>
          <div className="table-wrap" style={{ maxHeight: 300 }}>
            <table data-testid="sample-query-result">
              <thead>
                <tr>
                  {result.columns.map((column) => (
                    <th key={column.name} title={column.type}>
                      {column.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.rows.map((row, index) => (
                  <tr key={index}>
                    {row.map((cell, column) => (
                      <td key={column} className="mono">
                        {formatCell(cell)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

function ConsumerExample({ id }: { id: string }) {
  const example = useApi<string>(`/api/catalog/${encodeURIComponent(id)}/consumer-example`);
  return (
    <section className="panel">
      <div className="toolbar">
        <h2 style={{ margin: 0 }}>Consume it</h2>
        <span className="muted">TypeScript with kafkajs and the Confluent schema registry client; the full contract set is in</span>
        <a href="/api/asyncapi.yaml" target="_blank" rel="noreferrer">
          AsyncAPI
        </a>
      </div>
      <LoadState loaded={example}>{(text) => <CopyBox text={text} testId="consumer-example" />}</LoadState>
    </section>
  );
}
