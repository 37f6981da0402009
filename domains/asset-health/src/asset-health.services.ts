import { FileModelRegistry } from '@fieldmesh/ml';
import type { DomainContext } from '@fieldmesh/products';
import { AlertFeed } from './alerts/alert.feed';
import { AlertService } from './alerts/alert.service';
import { AnomalyOperator } from './anomaly-scores/anomaly.operator';
import type { AssetHealthSettings } from './asset-health.settings';
import { featureWindowSpec, type WindowSpec } from './features/features.contract';

/** What the features job, the anomaly operator and the alert workflow share. */
export interface AssetHealthServices {
  spec: WindowSpec;
  operator: AnomalyOperator;
  /** The alerts as the alerts topic says: the operator's policy and people's steps both fold into it. */
  alertService: AlertService;
  /** The alerts topic as this instance has folded it, for the operator to catch up on after a partition moves. */
  alertFeed: AlertFeed;
}

export async function assetHealthServices({ settings, contracts, onClose }: DomainContext<AssetHealthSettings>): Promise<AssetHealthServices> {
  const contractSpec = featureWindowSpec(contracts.byId('asset-health.features'));
  // The contract's lateness absorbs transport delay on a real plant; a plant running faster stamps more event time on the same delay.
  const spec = { ...contractSpec, allowedLatenessMs: contractSpec.allowedLatenessMs * settings.plantSpeed };
  const operator = await AnomalyOperator.create({
    registry: new FileModelRegistry(settings.modelsDir),
    windowMs: spec.windowMs,
    shadow: settings.shadow,
    drift: settings.drift,
    onDrift: (report) =>
      report.drifted.length > 0 &&
      console.warn(
        `asset-health: input drift on ${report.model}@${report.version}: ${report.drifted.join(', ')} (PSI > ${settings.drift.psiThreshold}); compare with the model card's training data and retrain if the plant changed`,
      ),
    ...(settings.models ? { models: settings.models } : {}),
  });
  onClose(() => operator.close());
  return { spec, operator, alertService: new AlertService(), alertFeed: new AlertFeed() };
}
