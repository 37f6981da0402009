import type { KafkaPort } from '@fieldmesh/kafka';
import { CheckpointStore } from '@fieldmesh/streams';

/**
 * Room between the newest watermark and the plant's first reading, so nothing of the new run is late and
 * it follows the previous run's last readings (the features job's watermark trails them by its PT5S
 * lateness). Kept well below the gap between the lead and the skew, so a run right after another still
 * starts within the lead and publishes at once.
 */
const MARGIN_MS = 10_000;

/** How far below the skew the plant's lead stays: room for the gateway's clock and the margin above. */
export const LEAD_BELOW_SKEW_MS = 30_000;

/** How long a run without --duration is planned for: the plant runs at full speed this long. */
export const DEFAULT_PLANNED_RUN_MS = 30 * 60_000;

export interface PlantClockOptions {
  now?: number;
  /** Simulated seconds per wall-clock second. */
  speed: number;
  /** The raw contract's timeliness.maxClockSkew: the gateway dead-letters readings further ahead of its clock. */
  maxClockSkewMs: number;
  /** Wall-clock time the run is planned to last; DEFAULT_PLANNED_RUN_MS when unknown (Ctrl-C ends it). */
  plannedRunMs?: number;
  /** The consumer groups of the windowed jobs, whose checkpoints hold watermarks (see windowedJobGroups). */
  groups: readonly string[];
}

/** A persisted watermark the plant clock ignored because it is beyond the wall clock plus the skew. */
export interface UntrustedWatermark {
  group: string;
  state: string;
  watermark: number;
}

export interface PlantClock {
  startMs: number;
  /**
   * How far the plant's clock may run ahead of the wall clock (the skew minus LEAD_BELOW_SKEW_MS): the
   * simulator's maxLeadSeconds, past which it runs at real time so its readings stay within the skew.
   */
  maxLeadMs: number;
  /** Wall-clock ms after the start during which the plant runs at full speed, before it slows to real time. */
  fullSpeedForMs: number;
  /** How long to wait before a run of the planned length would run at full speed throughout; 0 when it does now. */
  fullRunAfterMs: number;
  untrusted: UntrustedWatermark[];
}

/**
 * When the simulated plant's clock starts. A plant faster than the wall clock overtakes it, and the gateway
 * dead-letters readings stamped beyond the contract's maximum clock skew, so the simulator slows to real
 * time once its clock is `maxLeadMs` ahead of the wall clock, and the plant starts in the past by what it
 * will gain over the planned run, so that it runs at full speed throughout. It never starts behind the
 * windowed jobs' persisted watermarks (an earlier run's plant may have left them ahead), or every reading of
 * this run would be late: a run right after another then runs at real time for most of its length.
 *
 * A watermark beyond the wall clock plus the skew came from a wrong clock that got through before the skew
 * was enforced: the jobs distrust it at restore (TumblingWindows), so the plant ignores it too instead of
 * starting years ahead. The caller warns with the reset command.
 */
export async function plantClockStart(kafka: KafkaPort, options: PlantClockOptions): Promise<PlantClock> {
  const now = options.now ?? Date.now();
  const limit = now + options.maxClockSkewMs;
  const { groups } = options;
  const checkpoints = await Promise.all(groups.map((group) => new CheckpointStore(kafka, group).load()));
  const trusted: number[] = [];
  const untrusted: UntrustedWatermark[] = [];
  checkpoints.forEach((checkpoint, i) => {
    for (const [state, watermark] of Object.entries(checkpoint?.watermarks ?? {})) {
      if (watermark > limit) untrusted.push({ group: groups[i] as string, state, watermark });
      else if (Number.isFinite(watermark)) trusted.push(watermark);
    }
  });
  const plannedRunMs = options.plannedRunMs ?? DEFAULT_PLANNED_RUN_MS;
  const maxLeadMs = Math.max(0, options.maxClockSkewMs - LEAD_BELOW_SKEW_MS);
  // Plant time gains (speed - 1) ms on the wall clock per wall ms; the lead covers part of the gain.
  const gainMs = Math.max(0, options.speed - 1) * plannedRunMs;
  const inThePast = now - Math.max(0, gainMs - maxLeadMs);
  const afterWatermarks = Math.max(0, ...trusted) + MARGIN_MS;
  const startMs = Math.max(inThePast, afterWatermarks);
  const fullSpeedForMs = options.speed > 1 ? Math.max(0, Math.floor((now + maxLeadMs - startMs) / (options.speed - 1))) : Number.POSITIVE_INFINITY;
  return { startMs, maxLeadMs, fullSpeedForMs, fullRunAfterMs: Math.max(0, afterWatermarks - inThePast), untrusted };
}
