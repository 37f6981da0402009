import type { DataContract } from '@fieldmesh/governance';
import { type ColumnLineageFacet, type DatasetRef, kafkaDataset, kafkaNamespace, type LineageEmitter, type LineageRun, ownershipFacet, streamingJobTypeFacet } from '@fieldmesh/lineage';
import type { StreamJobLineage } from '@fieldmesh/streams';

export interface ProductLineage {
  emitter: LineageEmitter;
  brokers: string[];
  /** The product's contract: job name, owner and description come from it. */
  contract: DataContract;
  input: { topic: string; schema: object };
  output: { topic: string; schema: object };
  columns: (input: DatasetRef) => ColumnLineageFacet;
}

/** A stream job's lineage hooks: an OpenLineage START when it joins its group, COMPLETE when it closes. */
export function productLineage(spec: ProductLineage): StreamJobLineage {
  const input = kafkaDataset(spec.brokers, spec.input.topic, spec.input.schema);
  const inputRef = { namespace: kafkaNamespace(spec.brokers), name: spec.input.topic };
  const owner = { team: spec.contract.owner.team, contact: spec.contract.owner.contact };
  const output = kafkaDataset(spec.brokers, spec.output.topic, spec.output.schema, { owner, description: spec.contract.description.purpose, columnLineage: spec.columns(inputRef) });
  let run: LineageRun | undefined;
  return {
    async started() {
      run = spec.emitter.run({ name: spec.contract.id, inputs: [input], outputs: [output], facets: { jobType: streamingJobTypeFacet('DOMAIN_SERVICE'), ownership: ownershipFacet(owner) } });
      await run.start();
    },
    async stopped() {
      await run?.complete();
    },
  };
}
