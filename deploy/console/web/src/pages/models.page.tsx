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
        <span className="sub">Anomaly models per asset class: the champion raises alerts; a shadow is scored beside it and only recorded</span>
      </div>
      <LoadState loaded={models}>
        {(data) => (
          <section className="panel flush" data-testid="models">
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Asset class</th>
                    <th>Champion</th>
                    <th>Shadow</th>
                    <th className="num">Threshold</th>
                    <th className="num">Features</th>
                    <th>Validation</th>
                    <th>Alerts opened</th>
                  </tr>
                </thead>
                <tbody>
                  {data.assetClasses.map((entry) => (
                    <tr key={entry.assetClass} data-testid={`models-${entry.assetClass}`}>
                      <td>
                        <strong>{entry.assetClass}</strong>
                        <div className="muted mono">{entry.model}</div>
                      </td>
                      <td>
                        <VersionCell version={entry.champion} tone="ok" />
                      </td>
                      <td>{entry.shadow ? <VersionCell version={entry.shadow} tone="info" /> : <span className="muted">none</span>}</td>
                      <td className="num">{formatNumber(entry.champion?.threshold, 3)}</td>
                      <td className="num" title={entry.champion?.features.join('\n')}>
                        {entry.champion?.features.length ?? '—'}
                      </td>
                      <td style={{ maxWidth: 360 }}>
                        <Metrics metrics={entry.champion?.metrics ?? {}} />
                      </td>
                      <td>
                        {Object.entries(entry.alertsByVersion).length === 0 ? (
                          <span className="muted">none</span>
                        ) : (
                          Object.entries(entry.alertsByVersion).map(([version, count]) => (
                            <div key={version} className="nowrap">
                              <span className="mono">{version}</span> {formatNumber(count)}
                            </div>
                          ))
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {data.assetClasses.length === 0 && <div className="empty">No model is configured for any asset class.</div>}
            </div>
          </section>
        )}
      </LoadState>
    </>
  );
}

function VersionCell({ version, tone }: { version: ModelVersionView | null; tone: 'ok' | 'info' }) {
  if (!version) return <span className="muted">none</span>;
  return (
    <div title={version.description}>
      <Badge tone={tone}>{version.version}</Badge> <span className="muted">{version.algorithm}</span>
      <div className="muted">{formatDateTime(version.created)}</div>
    </div>
  );
}

/** The model card's metrics, compact: a reviewer scans them across classes. */
function Metrics({ metrics }: { metrics: Record<string, number> }) {
  const entries = Object.entries(metrics);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <div style={{ fontSize: 12 }}>
      {entries.map(([name, value]) => (
        <span key={name} className="nowrap" style={{ marginRight: 10, display: 'inline-block' }}>
          <span className="muted">{name}</span> {formatNumber(value, 3)}
        </span>
      ))}
    </div>
  );
}
