/** The geometry of the console's small SVG charts, kept apart from React so it can be reasoned about alone. */

export type Point = readonly [number, number];

/** Min and max of the values; a flat series gets a band around it so it draws mid-height, not on an edge. */
export function extent(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  return [min, max];
}

/** Maps `domain` linearly onto `range`. */
export function linearScale([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]): (value: number) => number {
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** About `count` round tick values (1, 2 or 5 × 10^n steps) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

/** An SVG path through the points; a non-finite value breaks the line rather than drawing to zero. */
export function linePath(points: readonly Point[], x: (t: number) => number, y: (v: number) => number): string {
  let path = '';
  let pen = false;
  for (const [t, v] of points) {
    if (!Number.isFinite(v)) {
      pen = false;
      continue;
    }
    path += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  }
  return path;
}

/** Tick label for a value: few significant digits, no exponent for plant magnitudes. */
export function tickLabel(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(1);
  return Number(value.toPrecision(4)).toString();
}

/** `HH:MM:SS` of an epoch-ms time, in the browser's zone. */
export function timeLabel(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

const TIME_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((s) => s * 1000);

/** About `count` time ticks on round clock steps (10 s, 1 min, 5 min, 1 h…) covering [start, end] in epoch ms. */
export function timeTicks(start: number, end: number, count = 5): number[] {
  if (!(end > start)) return [start];
  const raw = (end - start) / Math.max(1, count);
  const step = TIME_STEPS_MS.find((s) => s >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
  // Round in the browser's zone so that hour ticks fall on the hour of the plant's wall clock.
  const zone = new Date(start).getTimezoneOffset() * 60_000;
  const ticks: number[] = [];
  for (let tick = Math.ceil((start - zone) / step) * step + zone; tick <= end; tick += step) ticks.push(tick);
  return ticks;
}
