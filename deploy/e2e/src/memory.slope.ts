/** One reading of a process's resident memory. */
export interface RssSample {
  /** Wall-clock ms. */
  atMs: number;
  /** The pid of the tree's root: it changes when the process is killed and started again. */
  pid: number;
  bytes: number;
}

export interface MemorySlope {
  /** Least-squares growth in MB (10^6 bytes) per hour; null with too few samples to fit. */
  mbPerHour: number | null;
  /** Its standard error (MB/h): how far the fit itself is uncertain, from the scatter around the line. */
  standardErrorMbPerHour: number | null;
  /** Samples fitted, and how many lives (pids) they came from. */
  samples: number;
  lives: number;
}

const MB = 1e6;
const HOUR_MS = 3_600_000;

/**
 * The least-squares slope of resident memory over time, one line per life of the process with a common
 * slope and an intercept each (a restart starts from a lower level: that drop is not a leak, and the
 * climb back is excluded by the caller as warm-up). With one life it is the ordinary slope. The standard
 * error comes from the residuals with one degree of freedom per intercept and one for the slope.
 */
export function memorySlope(samples: readonly RssSample[]): MemorySlope {
  const lives = new Map<number, RssSample[]>();
  for (const sample of samples) lives.set(sample.pid, [...(lives.get(sample.pid) ?? []), sample]);
  let sxx = 0;
  let sxy = 0;
  const centred: Array<{ x: number; y: number }> = [];
  for (const life of lives.values()) {
    const meanX = life.reduce((sum, s) => sum + s.atMs / HOUR_MS, 0) / life.length;
    const meanY = life.reduce((sum, s) => sum + s.bytes / MB, 0) / life.length;
    for (const s of life) {
      const x = s.atMs / HOUR_MS - meanX;
      const y = s.bytes / MB - meanY;
      sxx += x * x;
      sxy += x * y;
      centred.push({ x, y });
    }
  }
  const freedom = samples.length - lives.size - 1;
  if (sxx === 0 || freedom < 1) return { mbPerHour: null, standardErrorMbPerHour: null, samples: samples.length, lives: lives.size };
  const slope = sxy / sxx;
  const residuals = centred.reduce((sum, { x, y }) => sum + (y - slope * x) ** 2, 0);
  return { mbPerHour: slope, standardErrorMbPerHour: Math.sqrt(residuals / freedom / sxx), samples: samples.length, lives: lives.size };
}
