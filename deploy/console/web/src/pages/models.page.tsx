import type { ModelsInUse, ModelVersionView } from '../../../src/api/types';
import { useApi } from '../api/use-api';
import { Badge } from '../components/badges';
import { LoadState } from '../components/status';
import { formatDateTime, formatNumber } from '../format/format';

/** Which model version scores each asset class (the champion raises alerts; a shadow is only recorded). */
export function ModelsPage() {
  const models = useApi<ModelsInUse>('/api/models', 30_000);
  return (
    <>
      <div className="page-head">
        <h1>Models in use</h1>
        <span className="sub">Anomaly models per asset class: champion (raises alerts) and shadow (scored beside it, recorded only)</span>
      </div>
      <LoadState loaded={models}>
        {(data) => (
          <div className="stack" data-testid="models">
            {data.assetClasses.length === 0 && <div className="empty">No model is configured for any asset class.</div>}
            {data.assetClasses.map((entry) => (
              <section key={entry.assetClass} className="panel" data-testid={`models-${entry.assetClass}`}>
                <div className="toolbar">
                  <h2 style={{ margin: 0 }}>{entry.assetClass}</h2>
                  <span className="muted mono">{entry.model}</span>
                  <span className="spacer" />
                  <span className="muted">Alerts opened by version:</span>
                  {Object.entries(entry.alertsByVersion).length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    Object.entries(entry.alertsByVersion).map(([version, count]) => (
                      <Badge key={version} tone="neutral">
                        {version}: {count}
                      </Badge>
                    ))
                  )}
                </div>
                <div className="grid cols-2">
                  <VersionCard role="champion" version={entry.champion} />
                  <VersionCard role="shadow" version={entry.shadow} />
                </div>
              </section>
            ))}
          </div>
        )}
      </LoadState>
    </>
  );
}

function VersionCard({ role, version }: { role: 'champion' | 'shadow'; version: ModelVersionView | null }) {
  return (
    <div className="panel" style={{ background: 'var(--panel-2)' }}>
      <h3>
        <Badge tone={role === 'champion' ? 'ok' : 'info'}>{role}</Badge>
      </h3>
      {!version ? (
        <div className="muted">{role === 'shadow' ? 'No candidate in shadow.' : 'No champion.'}</div>
      ) : (
        <dl className="kv">
          <dt>Version</dt>
          <dd className="mono">
            {version.name}@{version.version}
          </dd>
          <dt>Algorithm</dt>
          <dd>{version.algorithm}</dd>
          <dt>Created</dt>
          <dd>{formatDateTime(version.created)}</dd>
          <dt>Threshold</dt>
          <dd>{formatNumber(version.threshold, 3)}</dd>
          <dt>Features</dt>
          <dd className="mono">{version.features.join(', ')}</dd>
          <dt>Metrics</dt>
          <dd>
            {Object.entries(version.metrics).map(([name, value]) => (
              <span key={name} style={{ marginRight: 12 }}>
                <span className="muted">{name}</span> {formatNumber(value, 3)}
              </span>
            ))}
          </dd>
          <dt>About</dt>
          <dd className="muted">{version.description}</dd>
        </dl>
      )}
    </div>
  );
}
