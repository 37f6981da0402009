import { gatewayConfigFor } from '@fieldmesh/deploy-local';
import { connectorCatalog, Gateway, type GatewayConfig } from '@fieldmesh/edge-gateway';
import { waitUntil } from '../wait';
import type { PipelineStage, StageContext } from './stage';

/**
 * The edge gateway in this process, configured as the main job runs it (MQTT JSON and Sparkplug B
 * connectors, fsync'd disk buffer, Avro through the registry) on the context's data plane (mTLS and
 * SASL_SSL, or both in plain text), with one difference: clean MQTT sessions,
 * so that what a saturated gateway leaves queued at the broker is dropped with it instead of being
 * queued further for the rest of the run. `contract` 'raw.v2' publishes batches (plant.telemetry.raw.v2).
 */
export async function startGatewayStage(
  context: StageContext,
  gatewayId: string,
  contract: GatewayConfig['kafka']['contract'] = 'raw.v1',
): Promise<PipelineStage & { gateway: Gateway }> {
  const { plane } = context;
  const config = gatewayConfigFor({
    gatewayId,
    stateDir: context.stateDir,
    kafkaBrokers: plane.kafkaBrokers,
    kafkaSecurity: plane.kafkaSecurity,
    registryUrl: context.addresses.registryUrl,
    mqttUrl: plane.mqttUrl,
    ...(plane.mqttIdentities ? { mqttTls: plane.mqttIdentities.gateway } : {}),
  });
  const withCleanSessions: GatewayConfig = {
    ...config,
    kafka: { ...config.kafka, contract },
    connectors: config.connectors.map((c) => ({ ...c, config: { ...c.config, cleanSession: true } })),
  };
  const gateway = await Gateway.start(withCleanSessions, { root: context.root, connectors: connectorCatalog, log: (line) => context.log(`gateway: ${line}`) });
  return {
    name: 'gateway',
    gateway,
    counters: [
      { name: 'gateway in (decode, validate, Avro, buffer)', unit: 'points', read: async () => gateway.stats().received },
      { name: 'gateway → Kafka (acknowledged)', unit: 'points', read: async () => gateway.stats().forwarded },
    ],
    ready: () => waitUntil('the gateway subscribed to the broker', () => Object.values(gateway.health().connectors as Record<string, boolean>).every(Boolean), 30_000),
    close: () => gateway.close(),
  };
}
