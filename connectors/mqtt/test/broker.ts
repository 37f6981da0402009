import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Source, SourceBatch, SourceReading, SourceReject } from '@fieldmesh/connect';
import mqtt, { type MqttClient } from 'mqtt';
import { inject } from 'vitest';
import { mqttSourceConfigSchema, type MqttSourceConfig } from '../src/config';

/** The Mosquitto that platform/testing starts for the integration run. */
export function brokerUrl(): string {
  const url = inject('mqttUrl');
  if (!url) throw new Error('No mqttUrl from the integration global setup: platform/testing must start Mosquitto (see vitest.config.ts).');
  return url;
}

export const uniqueId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export function sourceConfig(input: Record<string, unknown>): MqttSourceConfig {
  return mqttSourceConfigSchema.parse({ url: brokerUrl(), batchMaxWaitMs: 50, ...input });
}

export async function publisher(): Promise<MqttClient> {
  return mqtt.connectAsync(brokerUrl(), { clientId: uniqueId('test-publisher'), reconnectPeriod: 0 });
}

const opened: { close(): Promise<void> }[] = [];

/** Keeps what a test opened (a source, a client, a child process) for `closeOpened` to close after it. */
export function track<T extends { close(): Promise<void> }>(resource: T): T {
  opened.push(resource);
  return resource;
}

/** Closes what the test tracked: `afterEach(closeOpened)`. */
export async function closeOpened(): Promise<void> {
  await Promise.all(opened.splice(0).map((resource) => resource.close()));
}

/** A publisher on the broker, ended after the test. */
export async function startPublisher(): Promise<MqttClient> {
  const client = await publisher();
  track({ close: async () => void (await client.endAsync()) });
  return client;
}

/** A connector context with its own state folder (pass one to share it between a source and its restart). */
export const context = (name: string, stateDir = mkdtempSync(join(tmpdir(), 'fieldmesh-mqtt-'))) => ({ instanceName: name, stateDir });

export interface Collected {
  readings: SourceReading[];
  rejects: SourceReject[];
}

/** Reads (and acks, unless told not to) batches until `enough` holds or the time is up. */
export async function collect(
  source: Source,
  enough: (collected: Collected) => boolean,
  options: { ack?: boolean; timeoutMs?: number; onBatch?: (batch: SourceBatch) => void } = {},
): Promise<Collected> {
  const collected: Collected = { readings: [], rejects: [] };
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  while (!enough(collected)) {
    let batch;
    try {
      batch = await source.read(signal);
    } catch (error) {
      if (signal.aborted) throw new Error(`timed out with ${collected.readings.length} readings and ${collected.rejects.length} rejects`);
      throw error;
    }
    options.onBatch?.(batch);
    collected.readings.push(...batch.readings);
    collected.rejects.push(...batch.rejects);
    if (options.ack !== false) await batch.ack();
  }
  return collected;
}
