import type { KafkaPort } from '@fieldmesh/kafka';
import { CheckpointStore } from '@fieldmesh/streams';
import { WINDOWED_JOB_GROUPS } from './data-products';

/** Room between the newest watermark and the plant's first reading, so nothing of the new run is late. */
const MARGIN_MS = 60_000;

/**
 * When the simulated plant's clock starts: now, or just after the newest watermark of the windowed jobs
 * when an earlier run's plant (which runs faster than the wall clock) left them ahead of now. Starting
 * behind them would make every reading of this run late: no windows, no features, no alerts.
 */
export async function plantClockStart(kafka: KafkaPort, now = Date.now()): Promise<number> {
  const checkpoints = await Promise.all(Object.values(WINDOWED_JOB_GROUPS).map((group) => new CheckpointStore(kafka, group).load()));
  const watermarks = checkpoints.flatMap((checkpoint) => Object.values(checkpoint?.watermarks ?? {}));
  const newest = Math.max(0, ...watermarks);
  return newest + MARGIN_MS > now ? newest + MARGIN_MS : now;
}
