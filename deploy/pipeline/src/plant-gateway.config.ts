import type { GatewayConfig } from '@fieldmesh/edge-gateway';
import { gatewayConfigSchema } from '@fieldmesh/edge-gateway';
import type { KafkaSecurity } from '@fieldmesh/kafka';
import type { GatewayOpcuaPeer } from './opcua.link';

export interface GatewayPeers {
  gatewayId: string;
  stateDir: string;
  kafkaBrokers: string;
  /** The gateway's own Kafka principal (see kafkaAccessPlan); the FIELDMESH_KAFKA_* environment when absent. */
  kafkaSecurity?: KafkaSecurity;
  registryUrl: string;
  mqttUrl?: string;
  /** Client-certificate authentication at an mqtts:// broker: the site CA and the gateway's own certificate (CN = gatewayId). */
  mqttTls?: { caFile: string; certFile: string; keyFile: string };
  /** The plant's OPC UA server, reached with SignAndEncrypt, a trust list and a user of the gateway's own (see prepareSecureOpcuaLink). */
  opcua?: GatewayOpcuaPeer;
  /**
   * The plant's sites (ISA-95 site names, also its Sparkplug groups): the MQTT connectors subscribe to
   * these only, so another plant on the same broker (a test's) does not feed this gateway. Every site when absent.
   */
  sites?: string[];
  /** Extra buffer settings, e.g. a small limit for buffer-full scenarios. */
  buffer?: Partial<GatewayConfig['buffer']>;
}

/**
 * A gateway configuration for the simulated plant: MQTT JSON on the ISA-95 tree, Sparkplug B and the OPC
 * UA server, mapped as connectors/mqtt and connectors/opcua document, answering operators' diagnostics
 * (heartbeats on _fieldmesh.gateway-replies). The main job and the end-to-end tests use it.
 */
export function gatewayConfigFor(peers: GatewayPeers): GatewayConfig {
  const connectors: Array<{ name: string; type: 'mqtt' | 'opcua'; config: Record<string, unknown> }> = [];
  if (peers.mqttUrl) {
    connectors.push({
      name: 'plant-json',
      type: 'mqtt',
      config: {
        url: peers.mqttUrl,
        clientId: `${peers.gatewayId}-json`,
        ...(peers.mqttTls ? { tls: peers.mqttTls } : {}),
        format: 'json',
        mappings: (peers.sites ?? ['+site']).map((site) => ({
          topic: `acme/${site}/+area/+line/+asset/+signal`,
          assetPath: `acme/${site === '+site' ? '{site}' : site}/{area}/{line}/{asset}`,
        })),
      },
    });
    connectors.push({
      name: 'plant-sparkplug',
      type: 'mqtt',
      config: {
        url: peers.mqttUrl,
        clientId: `${peers.gatewayId}-sparkplug`,
        ...(peers.mqttTls ? { tls: peers.mqttTls } : {}),
        format: 'sparkplugb',
        sparkplug: { groupIds: peers.sites ?? ['+'], assetPath: 'acme/{group}/{nodePath}/{device}' },
      },
    });
  }
  if (peers.opcua) {
    connectors.push({
      name: 'plant-opcua',
      type: 'opcua',
      config: {
        endpointUrl: peers.opcua.endpointUrl,
        securityMode: 'SignAndEncrypt',
        securityPolicy: 'Aes256_Sha256_RsaPss',
        pkiDir: peers.opcua.pkiDir,
        applicationUri: peers.opcua.applicationUri,
        userIdentity: { type: 'username', username: peers.opcua.username, passwordFile: peers.opcua.passwordFile },
        browse: { rootNodeId: 'i=85', levels: ['site', 'line', 'asset'], maxDepth: 4 },
        subscription: { samplingInterval: 250, publishingInterval: 250 },
      },
    });
  }
  return gatewayConfigSchema.parse({
    gatewayId: peers.gatewayId,
    stateDir: peers.stateDir,
    kafka: { brokers: peers.kafkaBrokers.split(','), ...(peers.kafkaSecurity ? { security: peers.kafkaSecurity } : {}) },
    registryUrl: peers.registryUrl,
    connectors,
    buffer: { maxBytes: '64MiB', segmentBytes: '4MiB', ...peers.buffer },
    // Operators' commands and heartbeats: the console's fleet page shows this gateway and sends it diagnostics.
    commands: {},
    observability: { port: 0 },
  });
}
