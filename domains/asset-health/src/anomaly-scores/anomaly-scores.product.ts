import { defineDataProduct, type ProductContext } from '@fieldmesh/products';
import { AlertPolicy } from '../alerts/alert.policy';
import type { AssetHealthServices } from '../asset-health.services';
import type { AssetHealthSettings } from '../asset-health.settings';
import { AnomalyPipeline } from './anomaly.pipeline';

/** The anomaly operator's job: asset-health.anomaly-scores.v1 from the features, and the alert events its policy raises. */
export const anomalyScoresProduct = defineDataProduct({
  contract: 'asset-health.anomaly-scores',
  alsoWrites: ['asset-health.alerts'],
  pipeline: ({ settings, services, outputs: [scores, alerts] }: ProductContext<AssetHealthSettings, AssetHealthServices>) => {
    const policy = new AlertPolicy(services.alertService, settings.alerting);
    const anomalies = new AnomalyPipeline(services.operator, policy, { scores: scores!.topic, alerts: alerts!.topic }, () => services.alertFeed.caughtUp());
    // The alert runs move with their input partitions: see AlertPolicy.
    return { handle: anomalies.handle, state: [policy], stats: () => ({ ...anomalies.stats(), operator: services.operator.stats() }) };
  },
  metrics: { gauges: ['runsInProgress'], labels: { 'operator.noModel': 'asset_class', 'operator.byModel': 'model' } },
});
