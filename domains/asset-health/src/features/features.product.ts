import { maxClockSkewMsOf } from '@fieldmesh/governance';
import { defineDataProduct, type ProductContext } from '@fieldmesh/products';
import type { AssetHealthServices } from '../asset-health.services';
import type { AssetHealthSettings } from '../asset-health.settings';
import { assetClassResolver } from './asset-class.resolver';
import { FeaturesPipeline } from './features.pipeline';

/** asset-health.features.v1: per asset and window, the statistics of every signal of the clean telemetry. */
export const featuresProduct = defineDataProduct({
  contract: 'asset-health.features',
  pipeline: ({ settings, services, input, output }: ProductContext<AssetHealthSettings, AssetHealthServices>) =>
    new FeaturesPipeline({
      ...services.spec,
      assetClassOf: assetClassResolver(settings.assetClasses),
      outputTopic: output.topic,
      maxClockSkewMs: maxClockSkewMsOf(input.contract.contract),
    }),
  metrics: { gauges: ['openWindows'] },
});
