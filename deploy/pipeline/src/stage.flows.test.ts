import type { ProductWiring } from '@fieldmesh/products';
import type { StreamJobStats } from '@fieldmesh/streams';
import { describe, expect, it } from 'vitest';
import type { PlantPipeline } from './plant.pipeline';
import { stageFlows } from './stage.flows';

const features = { domain: 'asset-health', product: 'features', job: 'asset-health-features' } as ProductWiring;

function pipelineWith(job: Partial<StreamJobStats>, sites = ['berlin']): Pick<PlantPipeline, 'sites' | 'products'> {
  const stats: StreamJobStats = { batches: 1, recordsIn: 0, recordsOut: 0, deadLettered: { deserialize: 0, process: 0 }, replays: 0, recordsOwingNoOutput: 0, ...job };
  return {
    sites: sites.map((site, index) => ({ site, gateway: { stats: () => ({ received: 10 + index, accepted: 9 + index }) } })),
    products: { jobs: [features], jobStats: () => stats },
  } as unknown as Pick<PlantPipeline, 'sites' | 'products'>;
}

describe('stageFlows', () => {
  it("counts as a windowed job's input only the records that owe output: its replays of emitted windows and late records do not", () => {
    // Catching up on a backlog of windows it emitted before: 5,000 records read, none owing output.
    expect(stageFlows(pipelineWith({ recordsIn: 5_000, recordsOwingNoOutput: 5_000 }))).toEqual([
      { stage: 'gateway', in: 10, out: 9 },
      { stage: 'asset-health features', in: 0, out: 0 },
    ]);
    expect(stageFlows(pipelineWith({ recordsIn: 5_000, recordsOut: 12, recordsOwingNoOutput: 4_000 }))[1]).toEqual({ stage: 'asset-health features', in: 1_000, out: 12 });
  });

  it("names each site's gateway as a stage of its own when the plant has several sites, so one site's stall is not hidden by the other's flow", () => {
    expect(stageFlows(pipelineWith({}, ['berlin', 'hamburg'])).slice(0, 2)).toEqual([
      { stage: 'gateway berlin', in: 10, out: 9 },
      { stage: 'gateway hamburg', in: 11, out: 10 },
    ]);
  });
});
