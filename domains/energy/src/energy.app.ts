import 'reflect-metadata';
import { join } from 'node:path';
import { loadConfig } from '@fieldmesh/config';
import { loadContract, maxClockSkewMsOf, provisionProductTopics } from '@fieldmesh/governance';
import { createKafka } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { type LineageEmitter, productLineage } from '@fieldmesh/lineage';
import { createStreamsApp, type StreamJobStats } from '@fieldmesh/streams';
import { consumptionColumnLineage } from './consumption-15m/consumption.lineage';
import { ConsumptionModule } from './consumption-15m/consumption.module';
import { ConsumptionPipeline, type ConsumptionPipelineStats } from './consumption-15m/consumption.pipeline';
import { type EnergyConfigInput, energyConfigSchema, loadTariffs } from './energy.config';



export const CONSUMPTION_CONTRACT = join('contracts', 'energy', 'consumption-15m.yaml');
/** The input product's contract (plant-telemetry's), read for its schema only. */
export const CLEAN_TELEMETRY_CONTRACT = join('contracts', 'plant-telemetry', 'clean.yaml');

export interface EnergyStats {
  job: StreamJobStats;
  consumption: ConsumptionPipelineStats;
}

export interface EnergyDomain {
  stats(): EnergyStats;
  /** Finishes the batch in progress, commits it and leaves the group. Idempotent. Open windows are rebuilt by the next start. */
  close(): Promise<void>;
}

/**
 * Runs the energy domain in this process: the consumption-15m product's Nest app on the streams
 * transport, consuming clean telemetry until closed. Resolves once the job has joined its group. With a
 * lineage emitter, the job reports an OpenLineage run (with the product's column lineage).
 */
export async function startEnergy(input: EnergyConfigInput, hooks: { lineage?: LineageEmitter } = {}): Promise<EnergyDomain> {
  const config = loadConfig(energyConfigSchema, input, 'energy config');
  const contract = loadContract(join(config.root, CONSUMPTION_CONTRACT), config.root);
  const cleanContract = loadContract(join(config.root, CLEAN_TELEMETRY_CONTRACT), config.root);
  const pipeline = new ConsumptionPipeline(contract, {
    tariffs: config.tariffs ?? loadTariffs(),
    maxGapMs: config.maxGapMs,
    maxClockSkewMs: maxClockSkewMsOf(cleanContract.contract),
    inputTopic: config.topics.input,
    outputTopic: config.topics.output,
  });
  const kafka = createKafka({ clientId: config.kafka.clientId, brokers: config.kafka.brokers, ...(config.kafka.client ? { client: config.kafka.client } : {}) });
  if (config.provision) await provisionProductTopics(kafka, config.registryUrl, contract, pipeline.outputTopic, [pipeline.inputTopic]);
  const serde = new AvroSerde({ registryUrl: config.registryUrl, clientId: config.kafka.clientId, compatibility: contract.contract.compatibility });
  const { app, transport } = await createStreamsApp(
    ConsumptionModule.forPipeline(pipeline),
    {
      name: 'energy-consumption-15m',
      kafka,
      serde,
      groupId: config.groupId,
      outputs: { [pipeline.outputTopic]: pipeline.outputSchema },
      state: pipeline.state,
      maxBatchRecords: config.maxBatchRecords,
      ...(hooks.lineage
        ? {
            lineage: productLineage({
              emitter: hooks.lineage,
              brokers: config.kafka.brokers,
              contract: contract.contract,
              input: { topic: pipeline.inputTopic, schema: cleanContract.avroSchema },
              output: { topic: pipeline.outputTopic, schema: pipeline.outputSchema },
              columns: consumptionColumnLineage,
            }),
          }
        : {}),
    },
    { logger: ['error', 'warn'] },
  );
  await app.listen();
  let closing: Promise<void> | undefined;
  return {
    stats: () => ({ job: transport.stats() ?? emptyJobStats(), consumption: pipeline.stats() }),
    close: () => (closing ??= app.close()),
  };
}

function emptyJobStats(): StreamJobStats {
  return { batches: 0, recordsIn: 0, recordsOut: 0, deadLettered: { deserialize: 0, process: 0 }, replays: 0 };
}
