import { defineDomain, type RunningDomainOf } from '@fieldmesh/products';
import { startAlertWorkflow } from './alerts/alert.workflow';
import { anomalyScoresProduct } from './anomaly-scores/anomaly-scores.product';
import { assetHealthServices } from './asset-health.services';
import { assetHealthSettingsSchema } from './asset-health.settings';
import { featuresProduct } from './features/features.product';

/**
 * The asset-health domain: features from the clean telemetry, and the anomaly operator scoring them and
 * raising alerts, whose workflow (the alerts topic, folded) it offers as its API.
 */
export const domain = defineDomain({
  name: 'asset-health',
  settings: assetHealthSettingsSchema,
  services: assetHealthServices,
  products: { features: featuresProduct, 'anomaly-operator': anomalyScoresProduct },
  start: startAlertWorkflow,
});

export type AssetHealthDomain = RunningDomainOf<typeof domain>;
