import { describe, expect, it } from 'vitest';
import { pipelineDomains, windowedJobGroups } from './pipeline.domains';

describe('the domains the pipeline runs', () => {
  it('finds every package under domains/, upstream first, with the jobs their declarations derive', async () => {
    const { domains, jobs } = await pipelineDomains();
    expect(domains.map((domain) => domain.name)).toEqual(['plant-telemetry', 'asset-health', 'energy']);
    expect(jobs.map((job) => [job.job, job.groupId, job.input.topic])).toEqual([
      ['plant-telemetry-clean', 'plant-telemetry.clean', 'plant.telemetry.raw.v1'],
      ['asset-health-features', 'asset-health.features', 'plant.telemetry.clean.v1'],
      ['asset-health-anomaly-operator', 'asset-health.anomaly-operator', 'asset-health.features.v1'],
      ['energy-consumption-15m', 'energy.consumption-15m', 'plant.telemetry.clean.v1'],
    ]);
  });

  it('knows the windowed jobs from the contracts that declare event-time processing', async () => {
    expect(windowedJobGroups((await pipelineDomains()).jobs)).toEqual(['plant-telemetry.clean', 'asset-health.features', 'energy.consumption-15m']);
  });

  it('gives a run with an id groups of its own, so its windowed jobs restore no earlier run’s watermarks', async () => {
    const { jobs } = await pipelineDomains([], 'run-1');
    expect(jobs.map((job) => job.groupId)).toEqual([
      'plant-telemetry.clean.run-1',
      'asset-health.features.run-1',
      'asset-health.anomaly-operator.run-1',
      'energy.consumption-15m.run-1',
    ]);
    expect(windowedJobGroups(jobs)).toEqual(['plant-telemetry.clean.run-1', 'asset-health.features.run-1', 'energy.consumption-15m.run-1']);
  });
});
