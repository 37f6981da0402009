import type { BenchResults, Protocol, SaturationRun } from './bench.runner';
import { SECURITY_LABELS } from './data.plane';
import { gatewayCpuPerPoint, TARGETS } from './results.report';

const PROTOCOLS: Array<{ protocol: Protocol; label: string; target: number }> = [
  { protocol: 'json', label: 'MQTT JSON, 1 point/message', target: TARGETS.jsonPointsPerSecond },
  { protocol: 'sparkplug', label: 'Sparkplug B, 50 points/DDATA', target: TARGETS.batchedPointsPerSecond },
];

const BAR_HEIGHT = 18;
const LABEL_WIDTH = 250;
const PLOT_WIDTH = 520;

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

const formatted = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * The saturation runs as an SVG bar chart, one group per protocol: the gateway's points/s acknowledged by
 * Kafka and its CPU per point, the bare bridge beside it, and the target as a line. Bars share one
 * logarithmic scale: the targets and the bridge are a hundred times the slowest gateway figure.
 */
export function renderResultsChart(results: BenchResults): string {
  const side = results.saturation[0]?.security ?? 'plain';
  const find = (protocol: Protocol, system: SaturationRun['system']) => results.saturation.find((r) => r.protocol === protocol && r.system === system && r.security === side);
  const values = results.saturation.map((r) => r.kafkaOutPerSecond).concat(PROTOCOLS.map((p) => p.target));
  const max = Math.max(10, ...values);
  const x = (value: number) => (PLOT_WIDTH * Math.log10(Math.max(1, value))) / Math.log10(max);
  const rows: string[] = [];
  let y = 52;
  for (const { protocol, label, target } of PROTOCOLS) {
    rows.push(`<text x="8" y="${y}" font-weight="bold">${escapeXml(label)}</text>`);
    y += 8;
    const bars: Array<[string, SaturationRun | undefined, string]> = [
      ['gateway → Kafka', find(protocol, 'gateway'), '#2f6fb0'],
      ['bare MQTT→Kafka bridge', find(protocol, 'bare bridge'), '#9aa5b1'],
    ];
    const top = y;
    for (const [name, run, colour] of bars) {
      const value = run?.kafkaOutPerSecond ?? 0;
      const cpu = run?.system === 'gateway' ? gatewayCpuPerPoint(run) : run?.cpu.processes.gateway;
      const note = run === undefined ? 'not run' : `${formatted(value)} points/s${cpu === undefined ? '' : `, ${cpu.toFixed(1)} µs CPU/point`}`;
      rows.push(
        `<text x="16" y="${y + 13}">${escapeXml(name)}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${x(value).toFixed(1)}" height="${BAR_HEIGHT}" fill="${colour}"/>`,
        `<text x="${(LABEL_WIDTH + x(value) + 6).toFixed(1)}" y="${y + 13}">${escapeXml(note)}</text>`,
      );
      y += BAR_HEIGHT + 6;
    }
    const tx = (LABEL_WIDTH + x(target)).toFixed(1);
    rows.push(
      `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${y - 2}" stroke="#c0392b" stroke-dasharray="4 3"/>`,
      `<text x="${tx}" y="${top - 6}" fill="#c0392b" text-anchor="middle">target ${formatted(target)}</text>`,
    );
    y += 26;
  }
  const width = LABEL_WIDTH + PLOT_WIDTH + 240;
  const title = `npm run bench, ${results.startedAt.slice(0, 10)}: points/s at saturation (log scale), ${SECURITY_LABELS[side]}`;
  const footer = `${results.machine.cpus} cores, load average ${results.machine.loadAverage1m} at start (other work shares the cores); options ${JSON.stringify(results.options)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 20}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...rows,
    `<text x="8" y="${y + 6}" fill="#555" font-size="10">${escapeXml(footer)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
