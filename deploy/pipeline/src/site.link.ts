import { join } from 'node:path';
import { connectorCatalog, Gateway, type GatewayOptions } from '@fieldmesh/edge-gateway';
import { buildPlant, simulatorConfig } from '@fieldmesh/simulator';
import { findFreePort, REPO_ROOT } from '@fieldmesh/stack';
import type { ComponentPrincipals } from './kafka.principals';
import { startSecureMqttBroker, type SecureMqttBroker } from './mqtt.link';
import { PLANT_OPCUA_POLICIES, prepareSecureOpcuaLink, type SecureOpcuaLink } from './opcua.link';
import { gatewayConfigFor } from './plant-gateway.config';
import { siteGatewayId } from './plant.sites';
import { waitUntil, waitWhileProgressing } from './wait-until';

/** Lines per site of the simulated plant. */
const PLANT_LINES_PER_SITE = 2;

export interface SiteLinkOptions {
  /** The run's state folder: the site keeps its own under `sites/<site>/`. */
  stateDir: string;
  brokers: string;
  registryUrl: string;
  kafkaPrincipals?: ComponentPrincipals;
  lineage: NonNullable<GatewayOptions['lineage']>;
  log: (line: string) => void;
}

/** A site before its plant runs: its broker, its OPC UA link and its gateway, subscribed and waiting. */
export interface SiteLink {
  site: string;
  gatewayId: string;
  plantShape: ReturnType<typeof simulatorConfig.parse>['plant'];
  mqttBroker: SecureMqttBroker;
  opcua: SecureOpcuaLink;
  gateway: Gateway;
  simulatorStateDir: string;
  /** Lets the gateway deliver what is in flight (at least `mqttPublished` readings received, nothing pending), then closes it and the broker. */
  drain(mqttPublished: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Everything of one site but its plant: a Mosquitto taking client certificates of this site's CA only, the
 * OPC UA certificates and user exchanged with this site's server, and the site's gateway, with its own
 * state folder (so its own pseudonymisation key) and its own Kafka principal (fieldmesh-gateway-<site>).
 */
export async function startSiteLink(site: string, options: SiteLinkOptions): Promise<SiteLink> {
  const dir = join(options.stateDir, 'sites', site);
  const gatewayId = siteGatewayId(site);
  const log = (line: string) => options.log(`[${site}] ${line}`);
  const plantShape = simulatorConfig.parse({ plant: { sites: [site], linesPerSite: PLANT_LINES_PER_SITE } }).plant;
  // The site's own broker: mTLS from the site CA only, each simulated device onboarded with a certificate of its own.
  const mqttBroker = await startSecureMqttBroker({ dir: join(dir, 'mqtt'), site, gatewayId, plant: buildPlant(plantShape) });
  const closers: Array<() => Promise<unknown>> = [() => mqttBroker.stop()];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };
  try {
    log(
      `MQTT: ${mqttBroker.url}, client certificates from the site CA ${mqttBroker.caDir} only (CN = device id; ${mqttBroker.devices.length} devices onboarded in ${mqttBroker.identitiesDir}), ` +
        `per-device topic ACL ${mqttBroker.aclFile}, revocation list ${mqttBroker.crlFile}; no anonymous or plaintext listener.`,
    );
    // The gateway and the site's OPC UA server exchange certificates and a user before either starts: SignAndEncrypt, no None endpoint.
    const simulatorStateDir = join(dir, 'simulator');
    const opcua = await prepareSecureOpcuaLink({
      gatewayId,
      gatewayPkiDir: join(dir, 'gateway', 'opcua-pki'),
      simulatorStateDir,
      secretsDir: join(dir, 'secrets'),
      port: await findFreePort(),
    });
    log(
      `OPC UA: SignAndEncrypt (${PLANT_OPCUA_POLICIES.join(', ')}) at ${opcua.gateway.endpointUrl}; the server trusts gateway certificate ${opcua.gatewayThumbprint}, ` +
        `the gateway trusts server certificate ${opcua.serverThumbprint} (${opcua.gateway.pkiDir}); the gateway's password is in ${opcua.gateway.passwordFile}.`,
    );
    const principals = options.kafkaPrincipals;
    const gateway = await Gateway.start(
      gatewayConfigFor({
        gatewayId,
        stateDir: join(dir, 'gateway'),
        kafkaBrokers: options.brokers,
        ...(principals ? { kafkaSecurity: principals.gateway(site) } : {}),
        registryUrl: options.registryUrl,
        mqttUrl: mqttBroker.url,
        mqttTls: { caFile: mqttBroker.caFile, ...mqttBroker.gateway },
        opcua: opcua.gateway,
        sites: [site],
      }),
      { root: REPO_ROOT, connectors: connectorCatalog, log: (line) => log(`  gateway ${gatewayId}: ${line}`), lineage: options.lineage },
    );
    closers.push(() => gateway.close());
    // The gateway subscribes before the plant publishes, so no MQTT reading predates its session.
    await waitUntil(() => {
      const connectors = gateway.health().connectors as Record<string, boolean>;
      return connectors['plant-json'] === true && connectors['plant-sparkplug'] === true;
    }, 30_000);
    return {
      site,
      gatewayId,
      plantShape,
      mqttBroker,
      opcua,
      gateway,
      simulatorStateDir,
      async drain(mqttPublished) {
        // Done when the buffer is empty; given up on when nothing moved to Kafka or in from MQTT for 30 s
        // (Kafka unreachable: the report says NOT DRAINED). A broker restart mid-drain only slows it.
        await waitWhileProgressing(
          () => gateway.stats().pending === 0 && gateway.stats().received >= mqttPublished,
          () => gateway.stats().forwarded + gateway.stats().received,
          { quietMs: 30_000, capMs: 300_000 },
        ).catch(() => undefined);
        await close();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
