import {
  kafkaDataset,
  kafkaNamespace,
  type ColumnLineageFacet,
  type DatasetRef,
  type LineageEmitter,
  type LineageRun,
  ownershipFacet,
  streamingJobTypeFacet,
} from '@fieldmesh/lineage';
import type { StreamJobLineage } from '@fieldmesh/streams';
import type { ProductWiring } from './product.wiring';

/**
 * A product job's OpenLineage run, named after the product's contract: START when it joins its group,
 * COMPLETE when it closes. Its input
 * and outputs carry their contract's schema, each output its owner and purpose, and the product its
 * column lineage when the declaration gives one.
 */
export function productJobLineage(emitter: LineageEmitter, brokers: string[], wiring: ProductWiring, columns?: (input: DatasetRef) => ColumnLineageFacet): StreamJobLineage {
  const inputRef = { namespace: kafkaNamespace(brokers), name: wiring.input.topic };
  const product = wiring.outputs[0]!.contract.contract;
  const owner = { team: product.owner.team, contact: product.owner.contact };
  let run: LineageRun | undefined;
  return {
    async started() {
      run = emitter.run({
        name: product.id,
        inputs: wiring.inputs.map((input) => kafkaDataset(brokers, input.topic, input.contract.avroSchema)),
        outputs: wiring.outputs.map(({ contract: { contract, avroSchema }, topic }, i) =>
          kafkaDataset(brokers, topic, avroSchema, {
            owner: { team: contract.owner.team, contact: contract.owner.contact },
            description: contract.description.purpose,
            ...(i === 0 && columns ? { columnLineage: columns(inputRef) } : {}),
          }),
        ),
        facets: { jobType: streamingJobTypeFacet('DOMAIN_SERVICE'), ownership: ownershipFacet(owner) },
      });
      await run.start();
    },
    async stopped() {
      await run?.complete();
    },
  };
}
