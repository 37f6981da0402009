import { durationToMs } from '@fieldmesh/governance';
import type { ProductWiring } from '@fieldmesh/products';
import type { PlantPipeline } from './plant.pipeline';

/**
 * A stage's counters at one look: records it took in that owe output, and records it produced. A windowed
 * job's replays of windows it emitted before a restart and its late records owe none (StreamJobStats).
 */
export interface StageFlow {
  stage: string;
  in: number;
  out: number;
}

/** A product job's stage name in progress lines and stall reports, e.g. 'energy consumption-15m'. */
export function stageOf(job: ProductWiring): string {
  return `${job.domain} ${job.product}`;
}

/** The gateway's stage name: `gateway`, or `gateway <site>` when the plant has several sites. */
export function gatewayStageOf(site: string, sites: number): string {
  return sites > 1 ? `gateway ${site}` : 'gateway';
}

/** Each stage's records in and out now: each site's gateway's readings, then every product job's. */
export function stageFlows(pipeline: Pick<PlantPipeline, 'sites' | 'products'>): StageFlow[] {
  return [
    ...pipeline.sites.map(({ site, gateway }) => {
      const stats = gateway.stats();
      return { stage: gatewayStageOf(site, pipeline.sites.length), in: stats.received, out: stats.accepted };
    }),
    ...pipeline.products.jobs.map((job) => {
      const stats = pipeline.products.jobStats(job.job);
      return { stage: stageOf(job), in: stats.recordsIn - stats.recordsOwingNoOutput, out: stats.recordsOut };
    }),
  ];
}

/**
 * How long each windowed stage may go without output while its input flows: twice the plant time its
 * window takes to close (size plus allowed lateness, from its contract) at this plant speed, plus 30 s.
 */
export function quietLimitsFor(jobs: readonly ProductWiring[], speed: number): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const job of jobs) {
    const processing = job.outputs[0]!.contract.contract.processing;
    if (!processing?.window) continue;
    const closesAfterMs = (durationToMs(processing.window.size) + durationToMs(processing.allowedLateness)) / speed;
    limits[stageOf(job)] = 2 * closesAfterMs + 30_000;
  }
  return limits;
}
