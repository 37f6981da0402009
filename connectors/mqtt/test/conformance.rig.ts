import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkProxy, type ConformanceRig } from '@fieldmesh/connect-conformance';
import type { MqttClient } from 'mqtt';
import { mqttSourceConfigSchema } from '../src/config';
import { MqttSource } from '../src/source';
import { brokerUrl, context, publisher, uniqueId } from './broker';

/** The device side of a rig: what it publishes, straight to the broker. */
export interface MqttDevice {
  publish(values: readonly number[]): Promise<void>;
  publishMalformed(): Promise<void>;
}

/**
 * A conformance rig on the stack's Mosquitto: the source connects through a LinkProxy (so a lost link
 * is this source's alone), every instance with the same client id and state folder so that its
 * persistent session and birth certificates carry over; the device publishes directly with QoS 1.
 */
export async function mqttRig(config: Record<string, unknown>, device: (client: MqttClient) => MqttDevice): Promise<ConformanceRig> {
  const broker = new URL(brokerUrl());
  const link = await LinkProxy.start({ host: broker.hostname, port: Number(broker.port) });
  const client = await publisher();
  const clientId = uniqueId('gw');
  const stateDir = mkdtempSync(join(tmpdir(), 'fieldmesh-mqtt-conformance-'));
  const parsed = mqttSourceConfigSchema.parse({ url: `mqtt://${link.address}`, clientId, batchMaxWaitMs: 50, ...config });
  const plant = device(client);
  return {
    createSource: () => new MqttSource(parsed, context(clientId, stateDir)),
    publish: (values) => plant.publish(values),
    publishMalformed: () => plant.publishMalformed(),
    link,
    async close() {
      await client.endAsync();
      await link.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
