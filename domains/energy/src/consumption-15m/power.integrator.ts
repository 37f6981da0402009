/** One power reading: event time (epoch ms) and kW. */
export interface PowerSample {
  time: number;
  kw: number;
}

export interface WindowEnergy {
  energyKwh: number;
  /** Milliseconds of the window the readings cover. */
  coveredMs: number;
  readingCount: number;
}

const MS_PER_HOUR = 3_600_000;

/**
 * Energy of one window [start, end) as the time integral of power: trapezoids between consecutive
 * readings, and at the window's edges the nearest reading's value held up to the edge (so the windows of
 * a steady load add up exactly, with no value needed from a neighbouring window). A gap longer than
 * `maxGapMs` is not bridged: the window's energy then covers less than the window, which `coveredMs` shows.
 *
 * The result depends only on the set of samples, not their arrival order, so a window rebuilt by a replay
 * comes out identical.
 */
export function integratePower(samples: readonly PowerSample[], start: number, end: number, maxGapMs: number): WindowEnergy {
  const sorted = [...samples].sort((a, b) => a.time - b.time || a.kw - b.kw);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return { energyKwh: 0, coveredMs: 0, readingCount: 0 };
  let kwMs = 0;
  let coveredMs = 0;
  const span = (kw: number, ms: number) => {
    if (ms > maxGapMs) return;
    kwMs += kw * ms;
    coveredMs += ms;
  };
  span(first.kw, first.time - start);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    span((a.kw + b.kw) / 2, b.time - a.time);
  }
  span(last.kw, end - last.time);
  return { energyKwh: kwMs / MS_PER_HOUR, coveredMs, readingCount: sorted.length };
}
