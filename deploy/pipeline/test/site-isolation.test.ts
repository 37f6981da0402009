import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlant, identityFiles, simulatorConfig } from '@fieldmesh/simulator';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureMqttBroker, type MqttClientIdentity, type SecureMqttBroker } from '../src/mqtt.link';
import { siteGatewayId } from '../src/plant.sites';

// Two sites' brokers exactly as `npm start -- --sites 2` runs them (startSiteLink → startSecureMqttBroker):
// each site has its own CA, so a certificate of one site opens nothing at the other.
const dir = mkdtempSync(join(tmpdir(), 'site-isolation-'));
const SITES = ['berlin', 'hamburg'] as const;
const brokers: Partial<Record<(typeof SITES)[number], SecureMqttBroker>> = {};

function siteBroker(site: (typeof SITES)[number]): SecureMqttBroker {
  const broker = brokers[site];
  if (!broker) throw new Error(`the ${site} broker did not start`);
  return broker;
}

/** Connects to `broker` trusting its own CA (so the broker is verified) with a client certificate of `as`; resolves how it ended. */
async function attempt(broker: SecureMqttBroker, as: MqttClientIdentity, clientId: string): Promise<string> {
  try {
    const client = await mqtt.connectAsync(broker.url, {
      clientId,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
      ca: readFileSync(broker.caFile),
      cert: readFileSync(as.certFile),
      key: readFileSync(as.keyFile),
    });
    await client.endAsync(true);
    return 'connected';
  } catch (error) {
    return `refused: ${error instanceof Error ? error.message : String(error)}`;
  }
}

beforeAll(async () => {
  for (const site of SITES) {
    const plant = buildPlant(simulatorConfig.parse({ plant: { sites: [site], linesPerSite: 1 } }).plant);
    brokers[site] = await startSecureMqttBroker({ dir: join(dir, site, 'mqtt'), site, gatewayId: siteGatewayId(site), plant });
  }
}, 60_000);

afterAll(async () => {
  for (const broker of Object.values(brokers)) await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('sites of one deployment', () => {
  it('have a CA each', () => {
    expect(readFileSync(siteBroker('berlin').caFile, 'utf8')).not.toBe(readFileSync(siteBroker('hamburg').caFile, 'utf8'));
  });

  it("refuse a device or gateway of another site at their broker, and take their own site's", async () => {
    const berlin = siteBroker('berlin');
    const hamburg = siteBroker('hamburg');
    const berlinDevice = identityFiles(berlin.identitiesDir, berlin.devices[0]!.id);
    const hamburgDevice = identityFiles(hamburg.identitiesDir, hamburg.devices[0]!.id);
    expect(await attempt(hamburg, hamburgDevice, 'hamburg-own-device')).toBe('connected');
    expect(await attempt(berlin, berlinDevice, 'berlin-own-device')).toBe('connected');
    expect(await attempt(hamburg, berlinDevice, 'berlin-device-at-hamburg')).toMatch(/^refused: /);
    expect(await attempt(berlin, hamburgDevice, 'hamburg-device-at-berlin')).toMatch(/^refused: /);
    expect(await attempt(hamburg, berlin.gateway, 'berlin-gateway-at-hamburg')).toMatch(/^refused: /);
    // The broker says why: the handshake failed on a certificate it cannot verify, not a timeout.
    expect(readFileSync(hamburg.logFile, 'utf8')).toMatch(/certificate verify failed|unknown ca|OpenSSL Error/i);
  });
});
