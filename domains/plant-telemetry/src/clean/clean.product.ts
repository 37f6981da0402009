import { defineDataProduct, type ProductContext } from '@fieldmesh/products';
import type { PlantTelemetrySettings } from '../plant-telemetry.settings';
import { cleanColumnLineage } from './clean.lineage';
import { CleanPipeline } from './clean.pipeline';

/** plant.telemetry.clean.v1, cleaned from the raw product its contract names upstream. */
export const cleanProduct = defineDataProduct({
  contract: 'plant-telemetry.clean',
  pipeline: ({ settings, input, output }: ProductContext<PlantTelemetrySettings, undefined>) =>
    new CleanPipeline(output.contract, { maxDedupeChunks: settings.maxDedupeChunks, inputTopic: input.topic, outputTopic: output.topic }),
  columns: cleanColumnLineage,
  metrics: { gauges: ['dedupeMemory'] },
});
