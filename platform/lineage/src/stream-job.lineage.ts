import { kafkaDataset } from './dataset.factory';
import { streamingJobTypeFacet } from './facets';
import type { LineageEmitter, LineageRun } from './lineage.emitter';

/** What a stream job says about itself when it starts (the shape of @fieldmesh/streams' job description). */
export interface StreamJobShape {
  name: string;
  inputs: string[];
  /** Output topic → Avro schema. */
  outputs: Record<string, object>;
}

/**
 * Lineage hooks for any stream job on Kafka: START with its input and output topics (outputs with their
 * schema facet) when it joins its group, COMPLETE when it closes. Products that know their column
 * lineage report it with their own hooks; this covers the rest at dataset level.
 */
export function streamJobLineage(emitter: LineageEmitter, brokers: readonly string[], jobType = 'DOMAIN_SERVICE') {
  const runs = new Map<string, LineageRun>();
  return {
    async started(job: StreamJobShape): Promise<void> {
      const run = emitter.run({
        name: job.name,
        inputs: job.inputs.map((topic) => kafkaDataset(brokers, topic)),
        outputs: Object.entries(job.outputs).map(([topic, schema]) => kafkaDataset(brokers, topic, schema)),
        facets: { jobType: streamingJobTypeFacet(jobType) },
      });
      runs.set(job.name, run);
      await run.start();
    },
    async stopped(job: StreamJobShape): Promise<void> {
      await runs.get(job.name)?.complete();
    },
  };
}
