import { WHOLE_PRODUCT, type SloEvent } from './slo.types';

/** A duration for people: `850 ms`, `4.2 s`, `5 min`, `1.5 h`, `1 d`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${round(ms / 3_600_000)} h`;
  return `${round(ms / 86_400_000)} d`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function percent(ratio: number): string {
  return `${round(ratio * 100)} %`;
}

/** Where a scope is: the whole product, a site (its gateway's readings: check that site first) or a line. */
function where(product: string, scope: string, site: boolean | undefined): string {
  if (scope === WHOLE_PRODUCT) return `${product} (all lines)`;
  return site ? `${product} at site ${scope}` : `${product} on line ${scope}`;
}

export interface FreshnessFacts {
  product: string;
  scope: string;
  /** The scope is a site (enterprise/site), not a line. */
  site?: boolean;
  ageMs: number;
  maxAgeMs: number;
  /** True when no record arrived since monitoring began: the age is the time since then. */
  neverSeen: boolean;
}

export function freshnessMessage(type: SloEvent['type'], facts: FreshnessFacts): string {
  const age = facts.neverSeen ? `no record arrived in the ${formatDuration(facts.ageMs)} since monitoring began` : `the newest record is ${formatDuration(facts.ageMs)} old`;
  return type === 'BREACHED'
    ? `Freshness of ${where(facts.product, facts.scope, facts.site)} breached: ${age}, more than the objective of ${formatDuration(facts.maxAgeMs)}. Check that its producers (gateway, line, pipeline) are running.`
    : `Freshness of ${where(facts.product, facts.scope, facts.site)} recovered: ${age}, within the objective of ${formatDuration(facts.maxAgeMs)}.`;
}

export interface CompletenessFacts {
  product: string;
  scope: string;
  /** The scope is a site (enterprise/site), not a line. */
  site?: boolean;
  received: number;
  expected: number;
  windowMs: number;
  minRatio: number;
}

export function completenessMessage(type: SloEvent['type'], facts: CompletenessFacts): string {
  const counted = `${facts.received} of ${Math.round(facts.expected)} expected records in the last ${formatDuration(facts.windowMs)} (${percent(facts.received / facts.expected)})`;
  return type === 'BREACHED'
    ? `Completeness of ${where(facts.product, facts.scope, facts.site)} breached: ${counted}, below the objective of ${percent(facts.minRatio)}. Look for stopped assets, a disconnected source or readings dead-lettered.`
    : `Completeness of ${where(facts.product, facts.scope, facts.site)} recovered: ${counted}, meeting the objective of ${percent(facts.minRatio)}.`;
}

/** Why an SLO of a scope is `unknown`: what would let it be judged. */
export type UnknownCause =
  | { kind: 'event-driven'; newestAgeMs: number | null }
  | { kind: 'no-data-no-rate' }
  | { kind: 'awaiting-first-record'; maxAgeMs: number }
  | { kind: 'no-rate'; eventDriven: boolean }
  | { kind: 'first-window'; windowMs: number; fromMs: number };

export function unknownReason(cause: UnknownCause): string {
  switch (cause.kind) {
    case 'event-driven': {
      const newest = cause.newestAgeMs === null ? 'no record yet' : `newest record ${formatDuration(cause.newestAgeMs)} old`;
      return `Not applicable: the contract's freshness basis is event-driven, so records arrive only when something happens and silence is not staleness (${newest}).`;
    }
    case 'no-data-no-rate':
      return 'No record yet and no expected rate for this scope, so there is nothing to judge.';
    case 'awaiting-first-record':
      return `Waiting for the first record; breached if none arrives within ${formatDuration(cause.maxAgeMs)} of monitoring start.`;
    case 'no-rate':
      return cause.eventDriven
        ? 'Not applicable: an event-driven product has no expected rate to count its records against.'
        : 'No expected rate for this scope (the asset catalogue gives none), so there is nothing to count records against.';
    case 'first-window':
      return `Judged once one full window of ${formatDuration(cause.windowMs)} has passed since monitoring began, at ${new Date(cause.fromMs + cause.windowMs).toISOString()}.`;
  }
}
