import { maxClockSkewMsOf } from '@fieldmesh/governance';
import { defineDataProduct, type ProductContext } from '@fieldmesh/products';
import { type EnergySettings, loadTariffs } from '../energy.settings';
import { consumptionColumnLineage } from './consumption.lineage';
import { ConsumptionPipeline } from './consumption.pipeline';

/** energy.consumption-15m.v1, from the clean telemetry its contract names upstream. */
export const consumptionProduct = defineDataProduct({
  contract: 'energy.consumption-15m',
  pipeline: ({ settings, input, output }: ProductContext<EnergySettings, undefined>) =>
    new ConsumptionPipeline(output.contract, {
      tariffs: settings.tariffs ?? loadTariffs(settings.tariffsFile),
      maxGapMs: settings.maxGapMs,
      maxClockSkewMs: maxClockSkewMsOf(input.contract.contract),
      inputTopic: input.topic,
      outputTopic: output.topic,
    }),
  columns: consumptionColumnLineage,
  metrics: { gauges: ['openWindows'], timestamps: ['watermark'] },
  // A line's and a site's rows add up all their assets' windows, whose readings spread over every input partition.
  scaleOut: false,
});
