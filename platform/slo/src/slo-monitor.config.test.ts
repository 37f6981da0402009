import { ConfigInvalid } from '@fieldmesh/config';
import { describe, expect, it } from 'vitest';
import { parseSloMonitorSettings } from './slo-monitor.config';
import type { ProductObjectives } from './slo.objectives';

const product = (id: string, maxAgeMs: number, freshnessBasis: ProductObjectives['freshnessBasis'] = 'continuous'): ProductObjectives => ({
  product: id,
  topic: `${id}.v1`,
  freshnessMaxAgeMs: maxAgeMs,
  freshnessBasis,
  completenessMinRatio: 0.99,
  completenessWindowMs: 300_000,
});

function problemsOf(run: () => unknown): Array<{ path: string; message: string }> {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigInvalid) return error.problems;
    throw error;
  }
  throw new Error('expected ConfigInvalid');
}

describe('parseSloMonitorSettings', () => {
  it('ticks at a quarter of the smallest maxAge, at most every 5 s, on _fieldmesh.slo', () => {
    expect(parseSloMonitorSettings({}, [product('a.raw', 30_000), product('a.clean', 8_000)])).toMatchObject({ tickMs: 2_000, topic: '_fieldmesh.slo', lineDepth: 4 });
    expect(parseSloMonitorSettings({}, [product('a.raw', 60_000)]).tickMs).toBe(5_000);
  });

  it('takes no pace from an event-driven product, whose freshness is not judged by silence', () => {
    expect(parseSloMonitorSettings({}, [product('a.raw', 8_000), product('a.alerts', 2_000, 'event-driven')]).tickMs).toBe(2_000);
    expect(parseSloMonitorSettings({ tickMs: 1_000 }, [product('a.raw', 8_000), product('a.alerts', 2_000, 'event-driven')]).tickMs).toBe(1_000);
    expect(parseSloMonitorSettings({}, [product('a.alerts', 2_000, 'event-driven')]).tickMs).toBe(5_000);
  });

  it('refuses a tick that could let a breach go unseen for more than one freshness interval', () => {
    expect(problemsOf(() => parseSloMonitorSettings({ tickMs: 1_000 }, [product('a.raw', 3_000)]))).toEqual([
      { path: 'tickMs', message: 'must be at most 750 ms, a quarter of the smallest freshness maxAge, so a breach shows within one interval' },
    ]);
  });

  it('names expectations for a product it does not watch, a negative rate and an empty contract list', () => {
    expect(problemsOf(() => parseSloMonitorSettings({ expectations: { 'a.clean': { x: 1 } } }, [product('a.raw', 3_000)]))).toEqual([
      { path: 'expectations.a.clean', message: "no watched contract has id 'a.clean'; watched: a.raw" },
    ]);
    expect(problemsOf(() => parseSloMonitorSettings({ expectations: { 'a.raw': { x: -1 } } }, [product('a.raw', 3_000)]))[0]?.path).toBe('expectations.a.raw.x');
    expect(problemsOf(() => parseSloMonitorSettings({}, []))[0]?.path).toBe('contracts');
  });
});
