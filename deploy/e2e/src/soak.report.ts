import type { ProcessMemory, SoakReport } from './soak.scenario';

/**
 * The most resident memory a process may gain per hour once warmed up: 20 MB/h.
 *
 * Why this figure: a gateway or pipeline process at a plant runs unattended for weeks between restarts.
 * At 20 MB/h a process gains under 0.5 GB a day and about 3.4 GB in a week, the most that fits the
 * headroom of an edge box of 8 GB beside its own working set (the main job holds about 1 GB); a faster
 * growth exhausts it within a maintenance interval, a slower one is within what a garbage-collected heap,
 * a JVM and page-cache-backed maps drift by while they settle. It is also above what a 30-minute window of
 * the 60-minute soak can tell from noise (its standard errors are a few MB/h; see the README's figures).
 */
export const LEAK_BOUND_MB_PER_HOUR = 20;

/**
 * The shortest fitted window whose slope is held to the bound. Over less, the drift of a process still
 * settling and the sawtooth of a collected heap (tens of MB) outweigh 20 MB/h: in a 5-minute window it is
 * under 2 MB of growth. The hour-long soak fits 30 minutes.
 */
export const MIN_JUDGED_WINDOW_MINUTES = 20;

/** Growth within the fitted window that no warm-up explains, at any window length: a runaway process. */
export const RUNAWAY_MB = 200;

/**
 * Processes whose memory their configuration caps, in MB: growth below the cap is the process reaching it,
 * not a leak. Kafka's JVM starts with a small heap and grows it toward -Xmx768m (platform/testing's
 * kafka.service.ts) for tens of minutes after each start; 512 MB more covers its metaspace, code cache,
 * thread stacks and direct buffers. Above its cap it is judged like any other process.
 */
export const CONFIGURED_CAPS_MB: Readonly<Record<string, number>> = { kafka: 768 + 512 };

export type MemoryVerdict = 'ok' | 'capped' | 'leak' | 'runaway' | 'unmeasured' | 'not judged';

/**
 * The verdict on one process's memory. What counts is what the samples show with 95 % confidence: the slope
 * less twice its standard error. A window of MIN_JUDGED_WINDOW_MINUTES or more holds that to the bound
 * ('leak' above it); any window fails a process that gained more than RUNAWAY_MB in it ('runaway'), so a
 * short run still catches a process that eats memory in minutes; a shorter window is otherwise 'not judged'.
 * A process below its CONFIGURED_CAPS_MB is 'capped' at any slope.
 */
export function memoryVerdict(memory: ProcessMemory, boundMbPerHour = LEAK_BOUND_MB_PER_HOUR): MemoryVerdict {
  const { mbPerHour, standardErrorMbPerHour } = memory.slope;
  if (mbPerHour === null) return 'unmeasured';
  const cap = CONFIGURED_CAPS_MB[memory.name];
  if (cap !== undefined && memory.peakMb <= cap) return 'capped';
  const surely = mbPerHour - 2 * standardErrorMbPerHour!;
  if (surely * (memory.fittedMinutes / 60) > RUNAWAY_MB) return 'runaway';
  if (memory.fittedMinutes < MIN_JUDGED_WINDOW_MINUTES) return 'not judged';
  return surely > boundMbPerHour ? 'leak' : 'ok';
}

/** Why the soak failed, one line per reason; empty when it passed. */
export function soakProblems(report: SoakReport, boundMbPerHour = LEAK_BOUND_MB_PER_HOUR): string[] {
  const { mainJob } = report;
  const problems = [
    ...mainJob.crashes.map((crash) => `the main job ended before its duration: ${crash}`),
    ...(mainJob.exit.code === 0 ? [] : [`the main job exited with ${mainJob.exit.signal ?? `code ${mainJob.exit.code}`} (see ${mainJob.log})`]),
    ...(mainJob.accountedFor ? [] : ['the main job’s report does not account for every message']),
    ...mainJob.failedChecks.map((check) => `reconciliation: ${check}`),
    ...mainJob.stalls.map((stage) => `stalled: ${stage}`),
    ...report.collateral,
  ];
  for (const memory of report.memory) {
    const verdict = memoryVerdict(memory, boundMbPerHour);
    const growth = () => `${memory.slope.mbPerHour!.toFixed(1)} ± ${memory.slope.standardErrorMbPerHour!.toFixed(1)} MB/h over ${memory.fittedMinutes.toFixed(1)} min`;
    if (verdict === 'unmeasured') problems.push(`${memory.name}: too few samples in the fitted window to measure its memory`);
    if (verdict === 'leak') problems.push(`${memory.name}: resident memory grows ${growth()}, above ${boundMbPerHour} MB/h`);
    if (verdict === 'runaway') problems.push(`${memory.name}: resident memory runs away: ${growth()}, more than ${RUNAWAY_MB} MB gained`);
  }
  return problems;
}

const fixed = (value: number | null, digits = 1) => (value === null ? '-' : value.toFixed(digits));

/** The memory table: one line per process, its slope over the fitted window and the verdict. */
export function formatMemoryTable(report: SoakReport, boundMbPerHour = LEAK_BOUND_MB_PER_HOUR): string {
  const [from, to] = report.fittedSeconds;
  const widths = [11, 5, 7, 7, 8, 8, 8, 10, 7];
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[0]!) : i < widths.length ? cell.padStart(widths[i]!) : cell)).join('  ');
  const signed = (value: number | null) => `${value !== null && value >= 0 ? '+' : ''}${fixed(value)}`;
  return [
    `Resident memory (VmRSS of each process tree), slope fitted over ${from}-${to} s of the plant's run, each restart's first minutes left out; bound ${boundMbPerHour} MB/h:`,
    line(['process', 'lives', 'samples', 'min', 'from MB', 'to MB', 'peak MB', 'MB/h', '± MB/h', 'verdict']),
    ...report.memory.map((m) =>
      line([
        m.name,
        String(m.slope.lives),
        String(m.slope.samples),
        fixed(m.fittedMinutes),
        fixed(m.fittedFromMb),
        fixed(m.fittedToMb),
        fixed(m.peakMb),
        signed(m.slope.mbPerHour),
        fixed(m.slope.standardErrorMbPerHour),
        memoryVerdict(m, boundMbPerHour),
      ]),
    ),
  ].join('\n');
}

/** The figures of a run, for the terminal and the README. */
export function formatSoakReport(report: SoakReport, boundMbPerHour = LEAK_BOUND_MB_PER_HOUR): string {
  const { mainJob } = report;
  const kills = report.faults.map((f) => `${f.service}@${f.atSeconds}s`).join(', ');
  const downs = report.faults.map((f) => f.downSeconds);
  return [
    `Soak: main job for ${report.durationSeconds} s at 10x plant speed (${report.wallSeconds} s with start, drain and report); main job exit ${mainJob.exit.signal ?? mainJob.exit.code}`,
    `Faults: ${report.faults.length} kill -9 + restart (${kills || 'none'}); down ${downs.length > 0 ? `${Math.min(...downs)}-${Math.max(...downs)} s` : '-'}`,
    `Main job report: ${mainJob.accountedFor ? 'every message accounted for' : 'UNEXPLAINED RECORDS'}${mainJob.stalls.length > 0 ? `; STALLED: ${mainJob.stalls.join(', ')}` : '; no stage stalled'}`,
    ...mainJob.failedChecks.map((check) => `  ${check}`),
    formatMemoryTable(report, boundMbPerHour),
    `Samples: ${report.samplesCsv}`,
  ].join('\n');
}
