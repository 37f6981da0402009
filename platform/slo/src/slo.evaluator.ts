import { ArrivalCounter } from './arrival.counter';
import { DEFAULT_LINE_DEPTH, lineScopeOf, siteScopeOf } from './line.scope';
import { completenessMessage, freshnessMessage, unknownReason, type UnknownCause } from './slo.message';
import type { ProductObjectives } from './slo.objectives';
import { sloEventKey } from './slo.topic';
import { sloNames, systemClock, WHOLE_PRODUCT, type Clock, type SloEvent, type SloExpectations, type SloName, type SloRecord, type SloState, type SloStatus } from './slo.types';

export interface SloEvaluatorOptions {
  products: ProductObjectives[];
  expectations?: SloExpectations;
  clock?: Clock;
  /** Levels of a key that make its line (see lineScopeOf). Default 4: enterprise/site/area/line. */
  lineDepth?: number;
}

/** What one scope of a product has seen. */
interface ScopeData {
  /** Newest record timestamp, never later than its arrival. */
  newestMs?: number;
  arrivals: ArrivalCounter;
}

interface Product {
  objectives: ProductObjectives;
  /** Expected records per second per scope, `*` included when known. */
  expected: Map<string, number>;
  data: Map<string, ScopeData>;
  /** The sites its keys or expectations name: each has its own scope once there are two (one site is the whole product). */
  sites: Set<string>;
}

interface Measurement {
  state: SloState;
  observed: number | null;
  /** Why the state is `unknown`; null when judged. */
  reason: string | null;
  /** Builds the event's message for a transition into this measurement. */
  message: (type: SloEvent['type']) => string;
}

interface Tracked {
  status: SloStatus;
  /** A BREACHED went out and no RECOVERED yet: what makes the next `ok` a recovery. */
  breachOpen: boolean;
  /** While a breach is open: since when the objective has been met without interruption. */
  metSinceMs?: number | undefined;
}

/**
 * A completeness ratio hovering at its objective would flip on every tick; a breach recovers only once the
 * objective has held for this share of the window. Freshness recovers at the first fresh record.
 */
const COMPLETENESS_SETTLE_SHARE = 0.1;

function expectedRates(product: string, expectations: SloExpectations | undefined, lineDepth: number): Map<string, number> {
  const lines = Object.entries(expectations?.[product] ?? {}).filter(([, rate]) => rate > 0);
  const expected = new Map(lines);
  // A site expects what its lines expect, unless the catalogue gives its rate.
  const sites = new Map<string, number>();
  for (const [scope, rate] of lines) {
    const site = siteScopeOf(scope, lineDepth);
    if (site && !expected.has(site)) sites.set(site, (sites.get(site) ?? 0) + rate);
  }
  for (const [site, rate] of sites) expected.set(site, rate);
  if (lines.length > 0 && !expected.has(WHOLE_PRODUCT))
    expected.set(
      WHOLE_PRODUCT,
      lines.reduce((sum, [, rate]) => sum + rate, 0),
    );
  return expected;
}

/**
 * Live SLOs of data products, per product, per site (once a product's keys name two sites or more: with one,
 * the site is the whole product) and per line, from the records they carry. Pure: feed it
 * records as they arrive and call `evaluate()` on a tick; it returns only transitions (a breach once,
 * its recovery once), while `status()` always tells the current state.
 *
 * Freshness is the age of the newest record by its timestamp. A timestamp ahead of the clock (a plant
 * running faster than real time stamps records with its own clock) counts as arriving now, so such a
 * product is judged by when its records arrive. A scope with an expected rate that has seen nothing is
 * breached once maxAge has passed since the evaluator started; one with neither data nor expectation is
 * `unknown`. An event-driven product (contract `slos.freshness.basis`) publishes only when something
 * happens, so silence says nothing about it: its freshness is always `unknown`, with the reason and the
 * newest record's age in the status, and never breached.
 *
 * Completeness counts records arriving in the contract's window against the expected rate × window. It
 * is `unknown` until one full window has passed since the evaluator started (a window that began before
 * monitoring would look incomplete) and for scopes without an expected rate. Its breach recovers once the
 * ratio has held for a tenth of the window (COMPLETENESS_SETTLE_SHARE).
 *
 * Every `unknown` status carries its reason.
 */
export class SloEvaluator {
  private readonly clock: Clock;
  private readonly lineDepth: number;
  private readonly startedMs: number;
  private readonly byTopic = new Map<string, Product>();
  private readonly tracked = new Map<string, Tracked>();

  constructor(options: SloEvaluatorOptions) {
    this.clock = options.clock ?? systemClock;
    this.lineDepth = options.lineDepth ?? DEFAULT_LINE_DEPTH;
    this.startedMs = this.clock.now();
    for (const objectives of options.products) {
      const expected = expectedRates(objectives.product, options.expectations, this.lineDepth);
      const sites = new Set([...expected.keys()].map((scope) => siteScopeOf(scope, this.lineDepth)).filter((site) => site !== undefined));
      const product: Product = { objectives, expected, data: new Map(), sites };
      this.byTopic.set(objectives.topic, product);
      for (const scope of this.scopesOf(product)) this.track(objectives, scope);
    }
  }

  /** Takes one record of a product topic; records of other topics are ignored. */
  record(record: SloRecord): void {
    const product = this.byTopic.get(record.topic);
    if (!product) return;
    const now = this.clock.now();
    const timestampMs = Math.min(record.timestampMs, now);
    this.see(product, WHOLE_PRODUCT, timestampMs, now);
    const line = lineScopeOf(record.key, this.lineDepth);
    if (!line) return;
    this.see(product, line, timestampMs, now);
    const site = siteScopeOf(record.key, this.lineDepth);
    if (!site) return;
    product.sites.add(site);
    this.see(product, site, timestampMs, now);
  }

  /** Measures every SLO of every scope now; returns the transitions since the last evaluation. */
  evaluate(): SloEvent[] {
    const now = this.clock.now();
    const events: SloEvent[] = [];
    for (const product of this.byTopic.values()) {
      for (const scope of this.scopesOf(product)) {
        const data = product.data.get(scope);
        const rate = product.expected.get(scope);
        const { objectives } = product;
        this.apply(objectives, scope, 'freshness', this.freshness(objectives, scope, data, rate, now), 0, now, events);
        const settleMs = objectives.completenessWindowMs * COMPLETENESS_SETTLE_SHARE;
        this.apply(objectives, scope, 'completeness', this.completeness(objectives, scope, data, rate, now), settleMs, now, events);
      }
    }
    return events;
  }

  /** The state of every SLO of every scope as of the last evaluation, by product, SLO and scope. */
  status(): SloStatus[] {
    return [...this.tracked.values()]
      .map((tracked) => ({ ...tracked.status }))
      .sort((a, b) => a.product.localeCompare(b.product) || a.slo.localeCompare(b.slo) || scopeOrder(a.scope, b.scope));
  }

  private scopesOf(product: Product): Set<string> {
    const scopes = new Set([WHOLE_PRODUCT, ...product.expected.keys(), ...product.data.keys()]);
    if (product.sites.size < 2) for (const site of product.sites) scopes.delete(site);
    return scopes;
  }

  private isSite(objectives: ProductObjectives, scope: string): boolean {
    return this.byTopic.get(objectives.topic)?.sites.has(scope) ?? false;
  }

  private see(product: Product, scope: string, timestampMs: number, now: number): void {
    let data = product.data.get(scope);
    if (!data) {
      data = { arrivals: new ArrivalCounter(product.objectives.completenessWindowMs) };
      product.data.set(scope, data);
    }
    data.newestMs = Math.max(data.newestMs ?? timestampMs, timestampMs);
    data.arrivals.add(now);
  }

  private freshness(objectives: ProductObjectives, scope: string, data: ScopeData | undefined, rate: number | undefined, now: number): Measurement {
    const maxAgeMs = objectives.freshnessMaxAgeMs;
    const neverSeen = data?.newestMs === undefined;
    if (objectives.freshnessBasis === 'event-driven') {
      const newestAgeMs = neverSeen ? null : Math.max(0, now - data.newestMs!);
      return unjudged({ kind: 'event-driven', newestAgeMs }, newestAgeMs);
    }
    // Silence is only a breach where records are expected; elsewhere there is nothing to judge yet.
    if (neverSeen && rate === undefined) return unjudged({ kind: 'no-data-no-rate' });
    const ageMs = Math.max(0, now - (data?.newestMs ?? this.startedMs));
    const message = (type: SloEvent['type']) => freshnessMessage(type, { product: objectives.product, scope, site: this.isSite(objectives, scope), ageMs, maxAgeMs, neverSeen });
    if (ageMs > maxAgeMs) return { state: 'breached', observed: ageMs, reason: null, message };
    if (neverSeen) return unjudged({ kind: 'awaiting-first-record', maxAgeMs });
    return { state: 'ok', observed: ageMs, reason: null, message };
  }

  private completeness(objectives: ProductObjectives, scope: string, data: ScopeData | undefined, rate: number | undefined, now: number): Measurement {
    const windowMs = objectives.completenessWindowMs;
    if (rate === undefined) return unjudged({ kind: 'no-rate', eventDriven: objectives.freshnessBasis === 'event-driven' });
    if (now - this.startedMs < windowMs) return unjudged({ kind: 'first-window', windowMs, fromMs: this.startedMs });
    const received = data?.arrivals.count(now) ?? 0;
    const expected = (rate * windowMs) / 1000;
    const ratio = received / expected;
    return {
      state: ratio < objectives.completenessMinRatio ? 'breached' : 'ok',
      observed: Math.round(ratio * 10_000) / 10_000,
      reason: null,
      message: (type) =>
        completenessMessage(type, {
          product: objectives.product,
          scope,
          site: this.isSite(objectives, scope),
          received,
          expected,
          windowMs,
          minRatio: objectives.completenessMinRatio,
        }),
    };
  }

  /** Starts tracking a scope's SLOs as `unknown` since the evaluator started. */
  private track(objectives: ProductObjectives, scope: string): void {
    for (const slo of sloNames) {
      const objective = slo === 'freshness' ? objectives.freshnessMaxAgeMs : objectives.completenessMinRatio;
      this.tracked.set(sloEventKey(objectives.topic, slo, scope), {
        status: {
          product: objectives.product,
          topic: objectives.topic,
          slo,
          scope,
          state: 'unknown',
          observed: null,
          objective,
          since: new Date(this.startedMs).toISOString(),
          reason: null,
        },
        breachOpen: false,
      });
    }
  }

  /** Records a measurement; a transition into or out of a breach becomes an event (recovery after `settleMs` met). */
  private apply(objectives: ProductObjectives, scope: string, slo: SloName, measured: Measurement, settleMs: number, now: number, events: SloEvent[]): void {
    const key = sloEventKey(objectives.topic, slo, scope);
    if (!this.tracked.has(key)) this.track(objectives, scope);
    const tracked = this.tracked.get(key)!;
    const status = tracked.status;
    status.observed = measured.observed;
    status.reason = measured.reason;
    let state = measured.state;
    if (tracked.breachOpen && state === 'ok') {
      tracked.metSinceMs ??= now;
      if (now - tracked.metSinceMs < settleMs) state = 'breached';
    } else {
      tracked.metSinceMs = undefined;
    }
    if (state !== status.state) status.since = new Date(now).toISOString();
    status.state = state;
    const type = state === 'breached' && !tracked.breachOpen ? 'BREACHED' : state === 'ok' && tracked.breachOpen ? 'RECOVERED' : undefined;
    if (!type) return;
    tracked.breachOpen = type === 'BREACHED';
    tracked.metSinceMs = undefined;
    events.push({
      type,
      product: objectives.product,
      topic: objectives.topic,
      slo,
      scope,
      observed: measured.observed!,
      objective: status.objective,
      at: new Date(now).toISOString(),
      message: measured.message(type),
    });
  }
}

/** Nothing to judge: no transition can come of it, so it has no message. */
function unjudged(cause: UnknownCause, observed: number | null = null): Measurement {
  return { state: 'unknown', observed, reason: unknownReason(cause), message: () => '' };
}

/** The whole product first, then sites and lines in path order (a site before its lines). */
function scopeOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (a === WHOLE_PRODUCT) return -1;
  if (b === WHOLE_PRODUCT) return 1;
  return a.localeCompare(b);
}
