import 'reflect-metadata';
import { join } from 'node:path';
import { loadConfig } from '@fieldmesh/config';
import { loadContract, provisionProductTopics } from '@fieldmesh/governance';
import { createKafka } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { type LineageEmitter, productLineage } from '@fieldmesh/lineage';
import { createStreamsApp, type StreamJobStats } from '@fieldmesh/streams';
import { cleanColumnLineage } from './clean/clean.lineage';
import { CleanModule } from './clean/clean.module';
import { CleanPipeline, type CleanPipelineStats } from './clean/clean.pipeline';
import { type PlantTelemetryConfigInput, plantTelemetryConfigSchema } from './plant-telemetry.config';



export const CLEAN_CONTRACT = join('contracts', 'plant-telemetry', 'clean.yaml');
export const RAW_CONTRACT = join('contracts', 'plant-telemetry', 'raw.yaml');

export interface PlantTelemetryStats {
  job: StreamJobStats;
  clean: CleanPipelineStats;
}

export interface PlantTelemetryDomain {
  stats(): PlantTelemetryStats;
  /** Finishes the batch in progress, commits it and leaves the group. Idempotent. */
  close(): Promise<void>;
}

/**
 * Runs the plant-telemetry domain in this process: the clean product's Nest app on the streams
 * transport, consuming the raw product until closed. Resolves once the job has joined its group. With a
 * lineage emitter, the job reports an OpenLineage run (with the clean product's column lineage).
 */
export async function startPlantTelemetry(input: PlantTelemetryConfigInput, hooks: { lineage?: LineageEmitter } = {}): Promise<PlantTelemetryDomain> {
  const config = loadConfig(plantTelemetryConfigSchema, input, 'plant-telemetry config');
  const contract = loadContract(join(config.root, CLEAN_CONTRACT), config.root);
  const pipeline = new CleanPipeline(contract, { maxDedupeChunks: config.maxDedupeChunks, inputTopic: config.topics.input, outputTopic: config.topics.output });
  const kafka = createKafka({ clientId: config.kafka.clientId, brokers: config.kafka.brokers, ...(config.kafka.client ? { client: config.kafka.client } : {}) });
  if (config.provision) await provisionProductTopics(kafka, config.registryUrl, contract, pipeline.outputTopic, [pipeline.inputTopic]);
  const serde = new AvroSerde({ registryUrl: config.registryUrl, clientId: config.kafka.clientId, compatibility: contract.contract.compatibility });
  const { app, transport } = await createStreamsApp(
    CleanModule.forPipeline(pipeline),
    {
      name: 'plant-telemetry-clean',
      kafka,
      serde,
      groupId: config.groupId,
      outputs: { [pipeline.outputTopic]: pipeline.outputSchema },
      state: [pipeline],
      maxBatchRecords: config.maxBatchRecords,
      ...(hooks.lineage
        ? {
            lineage: productLineage({
              emitter: hooks.lineage,
              brokers: config.kafka.brokers,
              contract: contract.contract,
              input: { topic: pipeline.inputTopic, schema: loadContract(join(config.root, RAW_CONTRACT), config.root).avroSchema },
              output: { topic: pipeline.outputTopic, schema: pipeline.outputSchema },
              columns: cleanColumnLineage,
            }),
          }
        : {}),
    },
    { logger: ['error', 'warn'] },
  );
  await app.listen();
  let closing: Promise<void> | undefined;
  return {
    stats: () => ({ job: transport.stats() ?? emptyJobStats(), clean: pipeline.stats() }),
    close: () => (closing ??= app.close()),
  };
}

function emptyJobStats(): StreamJobStats {
  return { batches: 0, recordsIn: 0, recordsOut: 0, deadLettered: { deserialize: 0, process: 0 }, replays: 0 };
}
