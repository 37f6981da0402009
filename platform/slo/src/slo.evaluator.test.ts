import { describe, expect, it } from 'vitest';
import { SloEvaluator } from './slo.evaluator';
import type { ProductObjectives } from './slo.objectives';
import type { SloEvent, SloExpectations, SloStatus } from './slo.types';

const LINE_1 = 'acme/berlin/press-shop/line-1';
const LINE_2 = 'acme/berlin/press-shop/line-2';
const START = Date.parse('2026-01-01T00:00:00Z');

const raw: ProductObjectives = {
  product: 'plant-telemetry.raw',
  topic: 'plant.telemetry.raw.v1',
  freshnessMaxAgeMs: 3_000,
  freshnessBasis: 'continuous',
  completenessMinRatio: 0.9,
  completenessWindowMs: 10_000,
};

/** Alerts come only when an asset misbehaves: an event-driven product. */
const alerts: ProductObjectives = {
  product: 'asset-health.alerts',
  topic: 'asset-health.alerts.v1',
  freshnessMaxAgeMs: 60_000,
  freshnessBasis: 'event-driven',
  completenessMinRatio: 1,
  completenessWindowMs: 3_600_000,
};

class FakeClock {
  constructor(public ms = START) {}
  now(): number {
    return this.ms;
  }
}

/** A plant where each line sends `perSecond` records a second (one per asset), evaluated every 250 ms as the monitor would. */
class Harness {
  readonly clock = new FakeClock();
  readonly evaluator: SloEvaluator;
  readonly events: ReturnType<SloEvaluator['evaluate']> = [];
  readonly stopped = new Set<string>();

  constructor(
    expectations: SloExpectations = { [raw.product]: { [LINE_1]: 4, [LINE_2]: 4 } },
    private readonly perSecond = 4,
    products: ProductObjectives[] = [raw],
  ) {
    this.evaluator = new SloEvaluator({ products, expectations, clock: this.clock });
  }

  /** Advances the clock in 250 ms ticks, producing and evaluating as the monitor does. */
  run(ms: number): void {
    for (let elapsed = 0; elapsed < ms; elapsed += 250) {
      this.clock.ms += 250;
      if (this.clock.ms % 1000 === 0) {
        for (const line of [LINE_1, LINE_2]) {
          if (this.stopped.has(line)) continue;
          for (let asset = 1; asset <= this.perSecond; asset++) this.evaluator.record({ topic: raw.topic, key: `${line}/pump-${asset}`, timestampMs: this.clock.ms });
        }
      }
      this.events.push(...this.evaluator.evaluate());
    }
  }

  state(slo: SloStatus['slo'], scope: string): SloStatus | undefined {
    return this.evaluator.status().find((status) => status.slo === slo && status.scope === scope);
  }
}

describe('SloEvaluator freshness', () => {
  it('reports a stopped line breached once, within one maxAge plus a tick, and recovered once when it resumes', () => {
    const plant = new Harness();
    plant.run(5_000);
    expect(plant.events).toEqual([]);
    expect(plant.state('freshness', LINE_2)).toMatchObject({ state: 'ok', objective: 3_000 });

    const stoppedAt = plant.clock.ms;
    plant.stopped.add(LINE_2);
    plant.run(10_000);
    const breaches = plant.events.filter((event) => event.type === 'BREACHED' && event.slo === 'freshness');
    expect(breaches).toHaveLength(1);
    expect(breaches[0]).toMatchObject({ product: raw.product, topic: raw.topic, scope: LINE_2, objective: 3_000 });
    expect(breaches[0]!.observed).toBeGreaterThan(3_000);
    // The last record of line 2 was at the last whole second before the stop; detection is the first tick past maxAge.
    expect(Date.parse(breaches[0]!.at) - stoppedAt).toBeLessThanOrEqual(3_000 + 250);
    expect(breaches[0]!.message).toContain(`plant-telemetry.raw on line ${LINE_2} breached: the newest record is`);
    expect(plant.state('freshness', LINE_1)?.state).toBe('ok');
    expect(plant.state('freshness', '*')?.state).toBe('ok');
    expect(plant.state('freshness', LINE_2)).toMatchObject({ state: 'breached', since: breaches[0]!.at });

    plant.events.length = 0;
    plant.stopped.delete(LINE_2);
    plant.run(2_000);
    const recoveries = plant.events.filter((event) => event.slo === 'freshness');
    expect(recoveries).toHaveLength(1);
    expect(recoveries[0]).toMatchObject({ type: 'RECOVERED', scope: LINE_2 });
    expect(recoveries[0]!.observed).toBeLessThanOrEqual(3_000);
    expect(recoveries[0]!.message).toContain('recovered');
  });

  it('breaches the whole product when every line stops', () => {
    const plant = new Harness();
    plant.run(2_000);
    plant.stopped.add(LINE_1).add(LINE_2);
    plant.run(5_000);
    expect(
      plant.events
        .filter((event) => event.slo === 'freshness')
        .map((event) => event.scope)
        .sort(),
    ).toEqual(['*', LINE_1, LINE_2]);
  });

  it('calls a line with an expected rate that never sent anything breached once maxAge has passed since the start', () => {
    const plant = new Harness();
    plant.stopped.add(LINE_2);
    plant.run(2_750);
    expect(plant.state('freshness', LINE_2)).toMatchObject({ state: 'unknown', observed: null });
    plant.run(500);
    const [breach] = plant.events;
    expect(breach).toMatchObject({ type: 'BREACHED', slo: 'freshness', scope: LINE_2 });
    expect(breach!.message).toContain('no record arrived in the 3.3 s since monitoring began');
  });

  it('leaves a product with neither expectation nor data unknown, never breached', () => {
    const plant = new Harness({});
    plant.stopped.add(LINE_1).add(LINE_2);
    plant.run(60_000);
    expect(plant.events).toEqual([]);
    expect(plant.evaluator.status()).toEqual([
      expect.objectContaining({ slo: 'completeness', scope: '*', state: 'unknown', observed: null }),
      expect.objectContaining({ slo: 'freshness', scope: '*', state: 'unknown', observed: null }),
    ]);
  });

  it('judges a product without expectations by its data once it has some', () => {
    const plant = new Harness({});
    plant.run(2_000);
    expect(plant.state('freshness', LINE_1)?.state).toBe('ok');
    expect(plant.state('completeness', LINE_1)?.state).toBe('unknown');
    plant.stopped.add(LINE_1);
    plant.run(4_000);
    expect(plant.events).toEqual([expect.objectContaining({ type: 'BREACHED', slo: 'freshness', scope: LINE_1 })]);
  });

  it('counts a record stamped ahead of the clock as arriving now, so a fast plant clock cannot hide a stop', () => {
    const clock = new FakeClock();
    const evaluator = new SloEvaluator({ products: [raw], clock });
    evaluator.record({ topic: raw.topic, key: `${LINE_1}/pump-1`, timestampMs: START + 3_600_000 });
    clock.ms += 3_001;
    expect(evaluator.evaluate()).toEqual(['*', LINE_1].map((scope) => expect.objectContaining({ type: 'BREACHED', slo: 'freshness', scope, observed: 3_001 })));
  });

  it('judges old records by their timestamp: a replayed backlog is not fresh', () => {
    const clock = new FakeClock();
    const evaluator = new SloEvaluator({ products: [raw], clock });
    evaluator.record({ topic: raw.topic, key: `${LINE_1}/pump-1`, timestampMs: START - 60_000 });
    expect(evaluator.evaluate()).toEqual(['*', LINE_1].map((scope) => expect.objectContaining({ type: 'BREACHED', scope, observed: 60_000 })));
  });

  it('emits nothing more while a breach lasts', () => {
    const plant = new Harness();
    plant.run(1_000);
    plant.stopped.add(LINE_1);
    plant.run(30_000);
    expect(plant.events.filter((event) => event.slo === 'freshness')).toHaveLength(1);
  });
});

describe('SloEvaluator event-driven products', () => {
  const PUMP = `${LINE_1}/pump-1`;

  it('never breaches freshness on silence and says why it is not judged, with the newest record age', () => {
    const clock = new FakeClock();
    const evaluator = new SloEvaluator({ products: [raw, alerts], clock });
    const events: SloEvent[] = [];
    const freshness = (scope: string) => evaluator.status().find((s) => s.product === alerts.product && s.slo === 'freshness' && s.scope === scope);
    const tick = (ms: number) => {
      for (let elapsed = 0; elapsed < ms; elapsed += 1_000) {
        clock.ms += 1_000;
        evaluator.record({ topic: raw.topic, key: PUMP, timestampMs: clock.ms });
        events.push(...evaluator.evaluate());
      }
    };
    tick(10 * 60_000);
    expect(freshness('*')).toMatchObject({ state: 'unknown', observed: null, objective: 60_000 });
    expect(freshness('*')!.reason).toBe(
      "Not applicable: the contract's freshness basis is event-driven, so records arrive only when something happens and silence is not staleness (no record yet).",
    );

    evaluator.record({ topic: alerts.topic, key: PUMP, timestampMs: clock.ms });
    tick(30 * 60_000); // half an hour without another alert: thirty times maxAge
    expect(events).toEqual([]);
    for (const scope of ['*', LINE_1]) {
      expect(freshness(scope)).toMatchObject({ state: 'unknown', observed: 30 * 60_000 });
      expect(freshness(scope)!.reason).toContain('(newest record 30 min old)');
    }
    // The continuous product beside it is still judged.
    expect(evaluator.status().find((s) => s.product === raw.product && s.slo === 'freshness' && s.scope === '*')).toMatchObject({ state: 'ok', reason: null });
  });

  it('leaves completeness unjudged without an expected rate, and judges it when the catalogue gives one', () => {
    const clock = new FakeClock();
    const evaluator = new SloEvaluator({ products: [alerts], clock });
    clock.ms += alerts.completenessWindowMs;
    evaluator.evaluate();
    expect(evaluator.status().find((s) => s.slo === 'completeness')).toMatchObject({
      state: 'unknown',
      reason: 'Not applicable: an event-driven product has no expected rate to count its records against.',
    });

    const rated = new SloEvaluator({ products: [alerts], expectations: { [alerts.product]: { '*': 1 } }, clock });
    clock.ms += alerts.completenessWindowMs;
    const events = rated.evaluate();
    // Silence: completeness breaches by the given rate, freshness still does not.
    expect(events).toEqual([expect.objectContaining({ type: 'BREACHED', slo: 'completeness', scope: '*', observed: 0 })]);
    expect(rated.status().find((s) => s.slo === 'freshness')).toMatchObject({ state: 'unknown' });
  });
});

describe('SloEvaluator unknown reasons', () => {
  it('says what would let each unknown be judged', () => {
    const plant = new Harness({ [raw.product]: { [LINE_2]: 4 } });
    plant.stopped.add(LINE_2);
    plant.run(1_000);
    expect(plant.state('freshness', LINE_2)).toMatchObject({
      state: 'unknown',
      reason: 'Waiting for the first record; breached if none arrives within 3 s of monitoring start.',
    });
    expect(plant.state('completeness', LINE_1)).toMatchObject({
      state: 'unknown',
      reason: 'No expected rate for this scope (the asset catalogue gives none), so there is nothing to count records against.',
    });
    expect(plant.state('completeness', LINE_2)).toMatchObject({
      state: 'unknown',
      reason: 'Judged once one full window of 10 s has passed since monitoring began, at 2026-01-01T00:00:10.000Z.',
    });
    expect(plant.state('freshness', LINE_1)).toMatchObject({ state: 'ok', reason: null });

    const silent = new Harness({});
    silent.stopped.add(LINE_1).add(LINE_2);
    silent.run(1_000);
    expect(silent.state('freshness', '*')?.reason).toBe('No record yet and no expected rate for this scope, so there is nothing to judge.');
  });
});

describe('SloEvaluator completeness', () => {
  it('is unknown until one full window has passed since the start', () => {
    const plant = new Harness();
    plant.run(9_750);
    expect(plant.state('completeness', LINE_1)).toMatchObject({ state: 'unknown', observed: null });
    plant.run(250);
    expect(plant.state('completeness', LINE_1)).toMatchObject({ state: 'ok', objective: 0.9 });
    expect(plant.state('completeness', LINE_1)!.observed).toBeCloseTo(1, 1);
  });

  it('breaches a line that delivers half of what its assets should, and the product as a whole by its share', () => {
    // Line 1 sends 4 records a second; the catalogue expects 8 from it.
    const plant = new Harness({ [raw.product]: { [LINE_1]: 8, [LINE_2]: 4 } });
    plant.run(12_000);
    const breaches = plant.events.filter((event) => event.slo === 'completeness');
    expect(breaches).toEqual([expect.objectContaining({ type: 'BREACHED', scope: '*' }), expect.objectContaining({ type: 'BREACHED', scope: LINE_1 })]);
    expect(breaches[1]!.observed).toBeCloseTo(0.5, 1);
    expect(breaches[1]!.message).toMatch(/breached: \d+ of 80 expected records in the last 10 s \(\d+(\.\d)? %\), below the objective of 90 %/);
    expect(plant.state('completeness', '*')!.observed).toBeCloseTo(8 / 12, 1);
    expect(plant.state('completeness', LINE_2)?.state).toBe('ok');
  });

  it('recovers once the missing records have left the window and the ratio has held for a tenth of it', () => {
    const plant = new Harness();
    plant.run(10_000);
    plant.stopped.add(LINE_2);
    plant.run(3_000); // line 2 misses the records of seconds 11, 12 and 13
    // Below 90 %: line 2 at its second missing second (8 of 10), the product at its third (17 of 20).
    expect(plant.events.filter((event) => event.slo === 'completeness')).toEqual([
      expect.objectContaining({ type: 'BREACHED', scope: LINE_2, observed: 0.8, at: '2026-01-01T00:00:12.000Z' }),
      expect.objectContaining({ type: 'BREACHED', scope: '*', observed: 0.85, at: '2026-01-01T00:00:13.000Z' }),
    ]);
    plant.events.length = 0;
    plant.stopped.delete(LINE_2);
    plant.run(8_000);
    expect(plant.events.filter((event) => event.slo === 'completeness')).toEqual([]);
    plant.run(4_000);
    // The product meets 90 % once two missing seconds remain (at 21 s), line 2 once one remains (at 22 s); each 1 s later.
    expect(plant.events.filter((event) => event.slo === 'completeness')).toEqual([
      expect.objectContaining({ type: 'RECOVERED', scope: '*', at: '2026-01-01T00:00:22.000Z' }),
      expect.objectContaining({ type: 'RECOVERED', scope: LINE_2, at: '2026-01-01T00:00:23.000Z', observed: 1 }),
    ]);
  });

  it('does not flap while the ratio hovers at the objective: one breach until it holds', () => {
    const clock = new FakeClock();
    const evaluator = new SloEvaluator({ products: [raw], expectations: { [raw.product]: { [LINE_1]: 10 } }, clock });
    const events = [];
    // 9 records a second (90 %, the objective), with every fourth second one short: hovering at the edge.
    for (let second = 1; second <= 60; second++) {
      const count = second % 4 === 0 ? 8 : 9;
      for (let i = 0; i < count; i++) evaluator.record({ topic: raw.topic, key: `${LINE_1}/pump-1`, timestampMs: clock.ms });
      for (let tick = 0; tick < 4; tick++) {
        clock.ms += 250;
        events.push(...evaluator.evaluate().filter((event) => event.slo === 'completeness' && event.scope === LINE_1));
      }
    }
    expect(events.filter((event) => event.type === 'BREACHED')).toHaveLength(1);
    expect(events.length).toBeLessThanOrEqual(2);
  });

  it('takes the whole product rate from a `*` expectation when given', () => {
    const plant = new Harness({ [raw.product]: { '*': 100 } });
    plant.run(10_000);
    expect(plant.state('completeness', '*')).toMatchObject({ state: 'breached' });
    expect(plant.state('completeness', LINE_1)).toMatchObject({ state: 'unknown' });
  });
});

describe('SloEvaluator scopes', () => {
  it('counts keys without a line (a site rollup, no key) for the whole product only, and ignores other topics', () => {
    const clock = new FakeClock();
    const evaluator = new SloEvaluator({ products: [raw], clock });
    evaluator.record({ topic: raw.topic, key: 'acme/berlin', timestampMs: START });
    evaluator.record({ topic: raw.topic, key: null, timestampMs: START });
    evaluator.record({ topic: 'some.other.v1', key: `${LINE_1}/pump-1`, timestampMs: START });
    evaluator.evaluate();
    expect([...new Set(evaluator.status().map((status) => status.scope))]).toEqual(['*']);
    expect(evaluator.status().find((status) => status.slo === 'freshness')).toMatchObject({ state: 'ok', observed: 0 });
  });

  it('lists the status by product, SLO, then the whole product before its lines', () => {
    const plant = new Harness();
    plant.run(1_000);
    expect(plant.evaluator.status().map((status) => `${status.slo} ${status.scope}`)).toEqual([
      'completeness *',
      `completeness ${LINE_1}`,
      `completeness ${LINE_2}`,
      'freshness *',
      `freshness ${LINE_1}`,
      `freshness ${LINE_2}`,
    ]);
  });
});

describe('SloEvaluator sites', () => {
  const BERLIN_LINE = 'acme/berlin/press-shop/line-1';
  const HAMBURG_LINE = 'acme/hamburg/press-shop/line-1';

  /** Two sites of one line each, 4 records a second per line; `stopped` sites send nothing. */
  function twoSites() {
    const clock = new FakeClock();
    const evaluator = new SloEvaluator({ products: [raw], expectations: { [raw.product]: { [BERLIN_LINE]: 4, [HAMBURG_LINE]: 4 } }, clock });
    const stopped = new Set<string>();
    const events: SloEvent[] = [];
    const run = (ms: number) => {
      for (let elapsed = 0; elapsed < ms; elapsed += 250) {
        clock.ms += 250;
        if (clock.ms % 1000 === 0)
          for (const line of [BERLIN_LINE, HAMBURG_LINE])
            if (!stopped.has(line)) for (let asset = 1; asset <= 4; asset++) evaluator.record({ topic: raw.topic, key: `${line}/pump-${asset}`, timestampMs: clock.ms });
        events.push(...evaluator.evaluate());
      }
    };
    const state = (slo: SloStatus['slo'], scope: string) => evaluator.status().find((status) => status.slo === slo && status.scope === scope);
    return { evaluator, stopped, events, run, state };
  }

  it('judges each site of a product keyed by asset path on its own: a stopped site breaches its freshness and completeness, the other stays ok', () => {
    const plant = twoSites();
    plant.run(12_000);
    expect(plant.events).toEqual([]);
    expect(plant.evaluator.status().map((status) => `${status.slo} ${status.scope}`)).toEqual([
      'completeness *',
      'completeness acme/berlin',
      `completeness ${BERLIN_LINE}`,
      'completeness acme/hamburg',
      `completeness ${HAMBURG_LINE}`,
      'freshness *',
      'freshness acme/berlin',
      `freshness ${BERLIN_LINE}`,
      'freshness acme/hamburg',
      `freshness ${HAMBURG_LINE}`,
    ]);
    expect(plant.state('completeness', 'acme/hamburg')).toMatchObject({ state: 'ok', observed: 1 });

    plant.stopped.add(HAMBURG_LINE);
    plant.run(10_000);
    const siteEvents = plant.events.filter((event) => event.scope === 'acme/hamburg' || event.scope === 'acme/berlin');
    // Completeness drops below its ratio within a second of the stop; freshness once maxAge has passed.
    expect(siteEvents.map((event) => `${event.type} ${event.slo} ${event.scope}`)).toEqual(['BREACHED completeness acme/hamburg', 'BREACHED freshness acme/hamburg']);
    expect(siteEvents[1]!.message).toMatch(/^Freshness of plant-telemetry\.raw at site acme\/hamburg breached/);
    expect(plant.state('freshness', 'acme/berlin')).toMatchObject({ state: 'ok' });
    // Half the product still flows: the whole product's completeness is breached too, the site says which half.
    expect(plant.state('completeness', 'acme/hamburg')).toMatchObject({ state: 'breached', observed: 0 });
  });

  it('gives a product of one site no site scope (its site is the whole product), and adds them when a second site appears', () => {
    const clock = new FakeClock();
    const evaluator = new SloEvaluator({ products: [raw], clock });
    evaluator.record({ topic: raw.topic, key: `${BERLIN_LINE}/pump-1`, timestampMs: START });
    evaluator.evaluate();
    expect([...new Set(evaluator.status().map((status) => status.scope))]).toEqual(['*', BERLIN_LINE]);
    evaluator.record({ topic: raw.topic, key: `${HAMBURG_LINE}/pump-1`, timestampMs: START });
    evaluator.evaluate();
    expect([...new Set(evaluator.status().map((status) => status.scope))]).toEqual(['*', 'acme/berlin', BERLIN_LINE, 'acme/hamburg', HAMBURG_LINE]);
  });
});
