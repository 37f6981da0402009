import type { KafkaPort } from '@fieldmesh/kafka';
import { CheckpointStore } from '@fieldmesh/streams';
import { UnknownWindowedJob } from './errors';
import { pipelineDomains, windowedJobGroups } from './pipeline.domains';

/** What a reset dropped from one job's checkpoint: each state's watermark, epoch ms. */
export interface WatermarkReset {
  group: string;
  dropped: Record<string, number>;
}

/**
 * Drops the persisted watermarks of windowed jobs (all of them, or those named; `windowed` defaults to
 * the domains' windowed jobs), keeping how far each job had read: the job's next start rebuilds its
 * windows from the replay of its committed offsets and emits them again (consumers deduplicate on the
 * window's key), and the plant's clock no longer starts after them. For a watermark a wrong clock dragged
 * ahead. Run it while the jobs are stopped: a running job writes its own checkpoint with its next batch.
 */
export async function resetWatermarks(kafka: KafkaPort, named?: readonly string[], windowed?: readonly string[]): Promise<WatermarkReset[]> {
  const known = windowed ?? windowedJobGroups((await pipelineDomains()).jobs);
  const groups = named ?? known;
  const unknown = groups.find((group) => !known.includes(group));
  if (unknown !== undefined) throw new UnknownWindowedJob(unknown, known);
  const resets: WatermarkReset[] = [];
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (const group of groups) {
      const store = new CheckpointStore(kafka, group);
      const checkpoint = await store.load();
      if (!checkpoint || Object.keys(checkpoint.watermarks).length === 0) {
        resets.push({ group, dropped: {} });
        continue;
      }
      await producer.send([store.record({ watermarks: {}, readUntil: checkpoint.readUntil })]);
      resets.push({ group, dropped: checkpoint.watermarks });
    }
  } finally {
    await producer.disconnect();
  }
  return resets;
}
