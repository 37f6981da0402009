import { DEFAULT_REPLICATION_FACTOR } from '@fieldmesh/kafka';
import { ConfigInvalid, parseWith, type Problem } from '@fieldmesh/config';
import { z } from 'zod';
import { DEFAULT_LINE_DEPTH } from './line.scope';
import type { ProductObjectives } from './slo.objectives';
import { SLO_TOPIC } from './slo.types';

/** The slowest default tick: a console shows a change within this even for products with long maxAges. */
const MAX_DEFAULT_TICK_MS = 5_000;

export const sloMonitorSettings = z.strictObject({
  topic: z.string().min(1).default(SLO_TOPIC).describe('Topic the SLO events go to'),
  tickMs: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Evaluation interval; at most a quarter of the smallest freshness maxAge of a continuous product. Default: that quarter, at most 5 s'),
  groupId: z.string().min(1).optional().describe('Consumer group; default a fresh one per start, so the monitor reads from the latest records'),
  lineDepth: z.number().int().min(1).default(DEFAULT_LINE_DEPTH).describe('Levels of a record key that name its line'),
  recentEvents: z.number().int().positive().default(500).describe('SLO events kept in memory for events()'),
  replicationFactor: z
    .number()
    .int()
    .positive()
    .default(DEFAULT_REPLICATION_FACTOR)
    .describe('Replication factor of the SLO topic when the monitor creates it (capped by the cluster)'),
  expectations: z
    .record(z.string(), z.record(z.string(), z.number().nonnegative().refine(Number.isFinite, 'must be a finite rate')))
    .default({})
    .describe('Expected records per second per contract id and line path (`*` for the whole product)'),
});

export type SloMonitorSettings = z.output<typeof sloMonitorSettings> & { tickMs: number };

/**
 * Validates the monitor's settings against the products it watches: a tick longer than a quarter of a
 * maxAge could let a breach go unseen for more than one freshness interval.
 */
export function parseSloMonitorSettings(input: unknown, products: ProductObjectives[]): SloMonitorSettings {
  const parsed = parseWith(sloMonitorSettings, input);
  if (!parsed.ok) throw new ConfigInvalid('SLO monitor options', parsed.problems);
  const problems: Problem[] = [];
  if (products.length === 0) problems.push({ path: 'contracts', message: 'must list at least one data product contract to watch' });
  // An event-driven product's freshness is not judged by silence, so its maxAge sets no pace.
  const judged = products.filter((product) => product.freshnessBasis === 'continuous');
  const quarter = Math.floor(Math.min(...judged.map((product) => product.freshnessMaxAgeMs)) / 4);
  const settings = parsed.value;
  if (settings.tickMs !== undefined && settings.tickMs > quarter) {
    problems.push({ path: 'tickMs', message: `must be at most ${quarter} ms, a quarter of the smallest freshness maxAge, so a breach shows within one interval` });
  }
  const known = new Set(products.map((product) => product.product));
  for (const product of Object.keys(settings.expectations)) {
    if (!known.has(product)) problems.push({ path: `expectations.${product}`, message: `no watched contract has id '${product}'; watched: ${[...known].join(', ')}` });
  }
  if (problems.length > 0) throw new ConfigInvalid('SLO monitor options', problems);
  return { ...settings, tickMs: settings.tickMs ?? Math.max(1, Math.min(quarter, MAX_DEFAULT_TICK_MS)) };
}
