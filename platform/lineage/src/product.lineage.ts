import type { DatasetRef } from './column-lineage';
import { kafkaDataset, kafkaNamespace } from './dataset.factory';
import { ownershipFacet, streamingJobTypeFacet } from './facets';
import type { LineageEmitter, LineageRun } from './lineage.emitter';
import type { ColumnLineageFacet } from './openlineage.schema';

export interface ProductLineage {
  emitter: LineageEmitter;
  brokers: string[];
  /** The product's contract (its id, owner and purpose name the job). */
  contract: { id: string; owner: { team: string; contact: string }; description: { purpose: string } };
  input: { topic: string; schema: object };
  output: { topic: string; schema: object };
  columns: (input: DatasetRef) => ColumnLineageFacet;
}

/** A stream job's lineage hooks: an OpenLineage START when it joins its group, COMPLETE when it closes. */
export function productLineage(spec: ProductLineage): { started(): Promise<void>; stopped(): Promise<void> } {
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
