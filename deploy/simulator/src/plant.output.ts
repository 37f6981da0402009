import type { Reading } from './reading';

export type OutputName = 'mqtt-json' | 'sparkplug' | 'opcua';

/**
 * A protocol the plant speaks. `publish` resolves when the protocol has taken the readings (MQTT: the
 * broker acknowledged them at QoS 1; OPC UA: the address space holds them); `stop` is idempotent.
 */
export interface PlantOutput {
  readonly name: OutputName;
  start(): Promise<void>;
  publish(readings: readonly Reading[]): Promise<void>;
  /** Readings delivered so far. */
  published(): number;
  stop(): Promise<void>;
}
