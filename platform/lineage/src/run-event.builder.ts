import { randomUUID } from 'node:crypto';
import { errorMessageFacet, FIELDMESH_PRODUCER } from './facets';
import { RUN_EVENT_SCHEMA_URL, type Dataset, type EventType, type Facet, type RunEvent } from './openlineage.schema';

/** A job and the datasets it reads and writes. */
export interface JobSpec {
  /** Unique within the namespace, e.g. `plant-telemetry.clean` or `edge-gateway.gw-berlin-1`. */
  name: string;
  /** Defaults to the emitter's namespace. */
  namespace?: string;
  inputs: Dataset[];
  outputs: Dataset[];
  /** Job facets (e.g. `streamingJobTypeFacet('DOMAIN_SERVICE')`, `documentationFacet(...)`). */
  facets?: Record<string, Facet>;
}

export interface RunEventInput {
  eventType: EventType;
  job: JobSpec & { namespace: string };
  runId?: string;
  eventTime?: Date;
  producer?: string;
  /** For FAIL: the error, reported as the errorMessage run facet. */
  error?: unknown;
  /** Run facets describing this run's state (e.g. a streaming job's counters); errorMessage is added for `error`. */
  runFacets?: Record<string, Facet>;
}

/**
 * One OpenLineage run event. Every event of a run carries the job's inputs and outputs, not only START:
 * the lineage topic is compacted by job, and its latest event must still describe the whole job.
 */
export function runEvent(input: RunEventInput): RunEvent {
  const facets = { ...input.runFacets, ...(input.error === undefined ? {} : { errorMessage: errorMessageFacet(input.error) }) };
  const runFacets = Object.keys(facets).length > 0 ? facets : undefined;
  return {
    eventType: input.eventType,
    eventTime: (input.eventTime ?? new Date()).toISOString(),
    producer: input.producer ?? FIELDMESH_PRODUCER,
    schemaURL: RUN_EVENT_SCHEMA_URL,
    run: { runId: input.runId ?? randomUUID(), ...(runFacets ? { facets: runFacets } : {}) },
    job: { namespace: input.job.namespace, name: input.job.name, ...(input.job.facets ? { facets: input.job.facets } : {}) },
    inputs: input.job.inputs,
    outputs: input.job.outputs,
  };
}
