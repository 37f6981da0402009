import 'reflect-metadata';
import { join } from 'node:path';
import { loadConfig } from '@fieldmesh/config';
import { awaitTopicsListed, loadContract, maxClockSkewMsOf } from '@fieldmesh/governance';
import { FileModelRegistry, type DriftReport } from '@fieldmesh/ml';
import { createKafka, TopicFollower } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { createStreamsApp, type StreamJobLineage, type StreamJobStats } from '@fieldmesh/streams';
import type { AlertEvent, AlertView } from './alerts/alert-event';
import { AlertPolicy } from './alerts/alert.policy';
import { AlertService, type AlertCommand } from './alerts/alert.service';
import { AnomalyScoresModule } from './anomaly-scores/anomaly-scores.module';
import { AnomalyOperator, type AnomalyOperatorStats } from './anomaly-scores/anomaly.operator';
import { AnomalyPipeline, type AnomalyPipelineStats } from './anomaly-scores/anomaly.pipeline';
import { type AssetHealthConfigInput, assetHealthConfigSchema } from './asset-health.config';
import { assetClassResolver } from './features/asset-class.resolver';
import { featureWindowSpec } from './features/features.contract';
import { FeaturesModule } from './features/features.module';
import { FeaturesPipeline, type FeaturesPipelineStats } from './features/features.pipeline';
import { ensureTopics } from './product.topics';

export const CONTRACT_FILES = {
  clean: join('contracts', 'plant-telemetry', 'clean.yaml'),
  features: join('contracts', 'asset-health', 'features.yaml'),
  anomalyScores: join('contracts', 'asset-health', 'anomaly-scores.yaml'),
  alerts: join('contracts', 'asset-health', 'alerts.yaml'),
} as const;

export interface AssetHealthStats {
  featuresJob: StreamJobStats;
  operatorJob: StreamJobStats;
  features: FeaturesPipelineStats;
  anomalies: AnomalyPipelineStats;
  operator: AnomalyOperatorStats;
  /** Alerts not closed yet. */
  openAlerts: number;
  /** Events of the alerts topic not folded in: not alert events, or not a legal step when they arrived (another writer's step came first). */
  alertEvents: { undecodable: number; skipped: number };
}

export interface AssetHealthDomain {
  stats(): AssetHealthStats;
  /** The model versions in use per asset class. */
  models(): Record<string, { champion: string; shadow?: string }>;
  /** Alerts, newest first, optionally only those in the given states. */
  alerts(filter?: { status?: AlertView['status'][] }): AlertView[];
  /** Takes a workflow step on an alert (validated) and publishes its event; resolves once Kafka has it. */
  transitionAlert(command: AlertCommand): Promise<AlertEvent>;
  /** Finishes both jobs' batches in progress, commits them and leaves the groups. Idempotent. */
  close(): Promise<void>;
}

/**
 * Runs the asset-health domain in this process: the features job (clean telemetry → features) and the
 * anomaly operator job (features → anomaly scores and alert events), each a Nest app on the streams
 * transport. Resolves once both have joined their groups.
 */
export async function startAssetHealth(
  input: AssetHealthConfigInput,
  hooks: { lineage?: StreamJobLineage; onDrift?: (report: DriftReport) => void } = {},
): Promise<AssetHealthDomain> {
  const config = loadConfig(assetHealthConfigSchema, input, 'asset-health config');
  const load = (file: string) => loadContract(join(config.root, file), config.root);
  const contracts = { clean: load(CONTRACT_FILES.clean), features: load(CONTRACT_FILES.features), scores: load(CONTRACT_FILES.anomalyScores), alerts: load(CONTRACT_FILES.alerts) };
  const topics = {
    input: config.topics.input ?? contracts.clean.contract.kafka.topic,
    features: config.topics.features ?? contracts.features.contract.kafka.topic,
    scores: config.topics.scores ?? contracts.scores.contract.kafka.topic,
    alerts: config.topics.alerts ?? contracts.alerts.contract.kafka.topic,
  };
  const spec = featureWindowSpec(contracts.features);
  const operator = await AnomalyOperator.create({
    registry: new FileModelRegistry(config.modelsDir),
    windowMs: spec.windowMs,
    shadow: config.shadow,
    drift: config.drift,
    onDrift: hooks.onDrift ?? ((report) => report.drifted.length > 0 && console.warn(`asset-health: input drift on ${report.model}@${report.version}: ${report.drifted.join(', ')} (PSI > ${config.drift.psiThreshold}); compare with the model card's training data and retrain if the plant changed`)),
    ...(config.models ? { models: config.models } : {}),
  });
  const features = new FeaturesPipeline({
    ...spec,
    assetClassOf: assetClassResolver(config.assetClasses),
    outputTopic: topics.features,
    maxClockSkewMs: maxClockSkewMsOf(contracts.clean.contract),
  });
  const alertService = new AlertService();
  const anomalies = new AnomalyPipeline(operator, new AlertPolicy(alertService, config.alerting), { scores: topics.scores, alerts: topics.alerts });

  const kafka = createKafka({ clientId: config.kafka.clientId, brokers: config.kafka.brokers, ...(config.kafka.client ? { client: config.kafka.client } : {}) });
  const closers: Array<() => Promise<void>> = [() => operator.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    if (config.createTopics) {
      await ensureTopics(
        kafka,
        [
          { contract: contracts.features, topic: topics.features },
          { contract: contracts.scores, topic: topics.scores },
          { contract: contracts.alerts, topic: topics.alerts },
        ],
        [topics.input],
      );
    }
    const serde = new AvroSerde({ registryUrl: config.registryUrl, clientId: config.kafka.clientId, compatibility: contracts.features.contract.compatibility });
    const common = { kafka, serde, maxBatchRecords: config.maxBatchRecords, ...(hooks.lineage ? { lineage: hooks.lineage } : {}) };
    const featuresApp = await createStreamsApp(
      FeaturesModule.forPipeline(features, topics.input),
      { ...common, name: 'asset-health-features', groupId: config.groups.features, outputs: { [topics.features]: contracts.features.avroSchema }, state: features.state },
      { logger: ['error', 'warn'] },
    );
    closers.push(() => featuresApp.app.close());
    const operatorApp = await createStreamsApp(
      AnomalyScoresModule.forPipeline(anomalies, topics.features),
      { ...common, name: 'asset-health-anomaly-operator', groupId: config.groups.operator, outputs: { [topics.scores]: contracts.scores.avroSchema, [topics.alerts]: contracts.alerts.avroSchema } },
      { logger: ['error', 'warn'] },
    );
    closers.push(() => operatorApp.app.close());
    const producer = kafka.producer();
    await producer.connect();
    closers.push(() => producer.disconnect());
    const alertWriter = await serde.writerFor(topics.alerts, contracts.alerts.avroSchema);
    // The alerts topic is the source of truth and others write it too (the console's workflow steps):
    // fold all of it before the operator scores anything (a restart keeps alerts in progress), then keep
    // folding what others write. The operator's own events come back as repeated event ids.
    let undecodable = 0;
    const alertFollower = new TopicFollower(
      kafka,
      {
        topic: topics.alerts,
        groupPrefix: `${config.groups.operator}.alerts`,
        catchUpTimeoutMs: ALERTS_CATCH_UP_MS,
        // Created above with the product topics (when asked to); the broker may take a moment to list it.
        ...(config.createTopics ? { ensureTopic: (admin, topic) => awaitTopicsListed(admin, [topic]) } : {}),
      },
      async (record) => {
        if (!record.value) return;
        try {
          alertService.replay((await serde.decode<AlertEvent>(record.value, { topic: topics.alerts })).value);
        } catch (error) {
          undecodable += 1;
          console.warn(`asset-health: skipped record ${record.partition}/${record.offset} of ${topics.alerts}: not an alert event (${error instanceof Error ? error.message : String(error)}); the alerts contract's schema is the only one allowed there`);
        }
      },
    );
    closers.push(() => alertFollower.stop());
    await alertFollower.start();
    await alertFollower.caughtUp;
    await featuresApp.app.listen();
    await operatorApp.app.listen();

    let closing: Promise<void> | undefined;
    return {
      stats: () => ({
        featuresJob: featuresApp.transport.stats() ?? emptyJobStats(),
        operatorJob: operatorApp.transport.stats() ?? emptyJobStats(),
        features: features.stats(),
        anomalies: anomalies.stats(),
        operator: operator.stats(),
        openAlerts: alertService.list().filter((alert) => alert.status !== 'CLOSED').length,
        alertEvents: { undecodable, skipped: alertService.stats().skipped },
      }),
      models: () => operator.models(),
      alerts: (filter) => alertService.list(filter),
      transitionAlert: async (command) => {
        const event = alertService.apply(command);
        const output = anomalies.alertOutput(event);
        await producer.send([{ topic: output.topic, key: output.key, value: serde.encode(alertWriter, event), ...(output.timestamp ? { timestamp: output.timestamp } : {}) }]);
        return event;
      },
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Reading the alerts topic at start: alerts are few (a handful per asset and day), so this is generous. */
const ALERTS_CATCH_UP_MS = 60_000;

function emptyJobStats(): StreamJobStats {
  return { batches: 0, recordsIn: 0, recordsOut: 0, deadLettered: { deserialize: 0, process: 0 }, replays: 0 };
}
