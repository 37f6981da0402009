import { durationToMs, type LoadedContract } from '@fieldmesh/governance';
import type { PlantPipeline } from './plant.pipeline';

/** A stage's counters at one look: records it took in and records it produced. */
export interface StageFlow {
  stage: string;
  in: number;
  out: number;
}

/** The stages a run is watched at for stalls, and the contract whose window paces each windowed one. */
const STAGES = {
  gateway: { name: 'gateway', contract: undefined },
  clean: { name: 'plant-telemetry clean', contract: undefined },
  energy: { name: 'energy consumption-15m', contract: 'energy.consumption-15m' },
  features: { name: 'asset-health features', contract: 'asset-health.features' },
  operator: { name: 'asset-health anomaly operator', contract: undefined },
} as const;

/** Each stage's records in and out now: the gateway's readings, then each stream job's. */
export function stageFlows(pipeline: Pick<PlantPipeline, 'gateway' | 'products'>): StageFlow[] {
  const gateway = pipeline.gateway.stats();
  const clean = pipeline.products.plantTelemetry.stats().clean.job;
  const energy = pipeline.products.energy.stats()['consumption-15m'].job;
  const health = pipeline.products.assetHealth.stats();
  return [
    { stage: STAGES.gateway.name, in: gateway.received, out: gateway.accepted },
    { stage: STAGES.clean.name, in: clean.recordsIn, out: clean.recordsOut },
    { stage: STAGES.energy.name, in: energy.recordsIn, out: energy.recordsOut },
    { stage: STAGES.features.name, in: health.featuresJob.recordsIn, out: health.featuresJob.recordsOut },
    { stage: STAGES.operator.name, in: health.operatorJob.recordsIn, out: health.operatorJob.recordsOut },
  ];
}

/**
 * How long each windowed stage may go without output while its input flows: twice the plant time its
 * window takes to close (size plus allowed lateness, from its contract) at this plant speed, plus 30 s.
 */
export function quietLimitsFor(contracts: LoadedContract[], speed: number): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const stage of Object.values(STAGES)) {
    const processing = contracts.find((loaded) => loaded.contract.id === stage.contract)?.contract.processing;
    if (!processing?.window) continue;
    const closesAfterMs = (durationToMs(processing.window.size) + durationToMs(processing.allowedLateness)) / speed;
    limits[stage.name] = 2 * closesAfterMs + 30_000;
  }
  return limits;
}
