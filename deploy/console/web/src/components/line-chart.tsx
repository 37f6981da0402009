import type { SignalSeries } from '../../../src/api/types';
import { extent, linearScale, linePath, niceTicks, tickLabel, timeLabel, timeTicks } from '../format/chart';

const COLOURS = ['#5b8def', '#e0b400', '#56a64b', '#e0485c', '#8f6fe0', '#3fb6a8', '#d48a3a'];
const WIDTH = 640;
const HEIGHT = 96;
const MARGIN = { top: 8, right: 10, bottom: 18, left: 52 };

interface SignalChartsProps {
  series: SignalSeries[];
  /** Epoch ms of the anomaly onset, drawn as a dashed line. */
  markAt?: number | null;
  /** Signals named here are drawn first (the model's contributing features). */
  highlight?: string[];
}

/**
 * The signals around an alert as small multiples: one chart per signal on a shared time axis, since the
 * signals have different units and magnitudes and one shared y axis would flatten all but the largest.
 */
export function SignalCharts({ series, markAt, highlight = [] }: SignalChartsProps) {
  if (series.length === 0) return <div className="empty">No signals recorded around this alert.</div>;
  const rank = (name: string) => {
    // Contributors name features (`vibration_rms_mean`) derived from signals (`vibration_rms`).
    const index = highlight.findIndex((feature) => feature.startsWith(name) || name.startsWith(feature));
    return index === -1 ? highlight.length : index;
  };
  const ordered = [...series].sort((a, b) => rank(a.signal) - rank(b.signal));
  const times = ordered.flatMap((s) => s.points.map(([t]) => t));
  const timeDomain = extent(markAt ? [...times, markAt] : times);
  return (
    <div data-testid="alert-signals">
      {ordered.map((s, index) => (
        <LineChart key={s.signal} series={s} colour={COLOURS[index % COLOURS.length] ?? '#5b8def'} timeDomain={timeDomain} markAt={markAt ?? null} />
      ))}
    </div>
  );
}

function LineChart({ series, colour, timeDomain, markAt }: { series: SignalSeries; colour: string; timeDomain: [number, number]; markAt: number | null }) {
  const [v0, v1] = extent(series.points.map(([, v]) => v));
  const ticks = niceTicks(v0, v1, 3);
  const yDomain: [number, number] = [Math.min(v0, ticks[0] ?? v0), Math.max(v1, ticks[ticks.length - 1] ?? v1)];
  const x = linearScale(timeDomain, [MARGIN.left, WIDTH - MARGIN.right]);
  const y = linearScale(yDomain, [HEIGHT - MARGIN.bottom, MARGIN.top]);
  const ticksAt = timeTicks(timeDomain[0], timeDomain[1], 6);
  return (
    <figure style={{ margin: '0 0 6px' }}>
      <figcaption className="legend">
        <span>
          <i style={{ background: colour }} />
          {series.signal}
          {series.unit ? ` (${series.unit})` : ''}
        </span>
      </figcaption>
      <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${series.signal} around the alert`}>
        {ticks.map((tick) => (
          <g key={tick}>
            <line className="grid-line" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} />
            <text x={MARGIN.left - 6} y={y(tick) + 3} textAnchor="end">
              {tickLabel(tick)}
            </text>
          </g>
        ))}
        {ticksAt.map((tick) => (
          <text key={tick} x={x(tick)} y={HEIGHT - 4} textAnchor="middle">
            {timeLabel(tick)}
          </text>
        ))}
        <line className="axis" x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} />
        <line className="axis" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={HEIGHT - MARGIN.bottom} y2={HEIGHT - MARGIN.bottom} />
        {markAt !== null && <line className="onset" x1={x(markAt)} x2={x(markAt)} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} />}
        <path d={linePath(series.points, x, y)} fill="none" stroke={colour} strokeWidth={1.5} />
      </svg>
    </figure>
  );
}
