import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorCatalog, Gateway } from '@fieldmesh/edge-gateway';
import { startSimulator } from '@fieldmesh/simulator';
import { attachStack, REPO_ROOT } from '@fieldmesh/testing';
import { describe, expect, inject, it } from 'vitest';
import { gatewayConfigFor } from '@fieldmesh/deploy-local';
import { connectorUp, distinctByProtocol, GatewayProcess, orderViolations, readTelemetry, unidentifiableDuplicates, waitFor, type TelemetryRecord } from '../src/index';

const topic = 'plant.telemetry.raw.v1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The config of a gateway on the test stack, with its state under `dir`. */
function gatewayConfig(gatewayId: string, dir: string) {
  return gatewayConfigFor({ gatewayId, stateDir: join(dir, 'gateway'), kafkaBrokers: inject('kafkaBrokers'), registryUrl: inject('registryUrl'), mqttUrl: inject('mqttUrl') });
}

/** A one-line plant publishing JSON and Sparkplug B readings to the test broker, for the gateway's sessions. */
function startPlant(gatewayId: string, dir: string, run: { seed: number; rate: number; durationSeconds: number }) {
  return startSimulator({
    ...run,
    plant: { linesPerSite: 1 },
    mqtt: { url: inject('mqttUrl'), clientIdPrefix: `sim-${gatewayId}` },
    json: true,
    sparkplug: true,
    stateDir: join(dir, 'simulator'),
  });
}

/**
 * Reads this gateway's readings until every published MQTT reading is there (or time runs out). The
 * Sparkplug connector also marks a node's signals BAD when it dies (NDEATH/DDEATH): those markers are the
 * gateway's, not the plant's readings, so they are left out here.
 */
async function readAll(gatewayId: string, published: Record<string, number>): Promise<TelemetryRecord[]> {
  const deathMarker = (r: TelemetryRecord) => ['NDEATH', 'DDEATH'].includes((r.value.attributes as Record<string, string>)['sparkplug.messageType'] ?? '');
  const mine = (r: TelemetryRecord) => r.value.gatewayId === gatewayId && !deathMarker(r);
  const complete = (records: TelemetryRecord[]) => {
    const distinct = distinctByProtocol(records.filter(mine));
    return (distinct.MQTT_JSON ?? 0) >= published['mqtt-json']! && (distinct.SPARKPLUG_B ?? 0) >= published.sparkplug!;
  };
  return (await readTelemetry({ brokers: inject('kafkaBrokers'), registryUrl: inject('registryUrl'), topic, until: complete, timeoutMs: 90_000 })).filter(mine);
}

describe('gateway faults', () => {
  it('buffers on disk while Kafka is down for 60 s and then delivers every reading, in order per source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fm-outage-'));
    const gatewayId = `gw-outage-${Date.now().toString(36)}`;
    const gateway = await Gateway.start(gatewayConfig(gatewayId, dir), { root: REPO_ROOT, connectors: connectorCatalog, log: (line) => console.error('[gateway]', line) });
    const stack = attachStack(inject('stackDir'));
    try {
      await waitFor(
        'the MQTT connectors',
        async () => (await connectorUp(gateway.observabilityUrl, 'plant-json')) && (await connectorUp(gateway.observabilityUrl, 'plant-sparkplug')),
        30_000,
      );
      const simulator = await startPlant(gatewayId, dir, { seed: 5, rate: 1, durationSeconds: 85 });
      await sleep(10_000);
      await stack.stopService('kafka');
      const outageStarted = Date.now();
      // A send keeps retrying until its delivery timeout (120 s); one waiting longer than 10 s counts the uplink down.
      await waitFor('the gateway to report the uplink down', () => gateway.health().uplink === false, 50_000);
      const duringOutage = gateway.health();
      await sleep(60_000 - (Date.now() - outageStarted));
      await stack.startService('kafka');
      await simulator.done;
      const published = simulator.stats().published;
      await simulator.stop();
      const records = await readAll(gatewayId, published);

      expect(duringOutage).toMatchObject({ status: 'degraded', uplink: false });
      expect(duringOutage.pending).toBeGreaterThan(0);
      expect(distinctByProtocol(records)).toMatchObject({ MQTT_JSON: published['mqtt-json'], SPARKPLUG_B: published.sparkplug });
      expect(orderViolations(records)).toEqual([]);
      expect(unidentifiableDuplicates(records)).toEqual([]);
      await waitFor('the buffer to drain', () => gateway.stats().pending === 0, 30_000);
      expect(gateway.health()).toMatchObject({ status: 'ok', uplink: true, dropped: 0 });
    } finally {
      await gateway.close();
      await stack.startService('kafka');
    }
  }, 300_000);

  it('loses nothing when the gateway is killed with kill -9 and restarted; duplicates share (gateway, sequence)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fm-kill-'));
    const gatewayId = `gw-kill-${Date.now().toString(36)}`;
    const gateway = new GatewayProcess(gatewayConfig(gatewayId, dir), join(dir, 'gateway.log'));
    await gateway.start();
    await gateway.running();
    await sleep(3_000); // both MQTT sessions subscribed
    const simulator = await startPlant(gatewayId, dir, { seed: 9, rate: 2, durationSeconds: 40 });
    try {
      for (const pause of [8_000, 9_000]) {
        await sleep(pause);
        await gateway.kill();
        await sleep(3_000); // the plant keeps publishing into the gateway's persistent MQTT sessions
        await gateway.start();
        await gateway.running();
      }
      await simulator.done;
      const published = simulator.stats().published;
      const records = await readAll(gatewayId, published);

      expect(distinctByProtocol(records)).toMatchObject({ MQTT_JSON: published['mqtt-json'], SPARKPLUG_B: published.sparkplug });
      expect(unidentifiableDuplicates(records)).toEqual([]);
      expect(orderViolations(records)).toEqual([]);
    } finally {
      await simulator.stop();
      await gateway.stop();
    }
  }, 300_000);
});
