import { jsonTopic } from './mqtt-json.publisher';
import type { Asset } from './plant.model';
import type { SignalDefinition } from './signal.catalog';

export const BAD_INPUT_KINDS = ['bad-json', 'wrong-type', 'out-of-range', 'oversized', 'unknown-alias'] as const;
export type BadInputKind = (typeof BAD_INPUT_KINDS)[number];

export interface BadJsonMessage {
  protocol: 'mqtt-json';
  topic: string;
  payload: string;
}

/**
 * A malformed MQTT JSON message of a given kind for one asset signal, for testing what a consumer
 * does with it (the gateway sends it to the DLQ with the reason). `unknown-alias` is Sparkplug and
 * built by the Sparkplug edge node instead.
 */
export function badJsonMessage(kind: Exclude<BadInputKind, 'unknown-alias'>, asset: Asset, signal: SignalDefinition, timestampMs: number, oversizedBytes: number): BadJsonMessage {
  const topic = jsonTopic({ asset, signal });
  switch (kind) {
    case 'bad-json':
      return { protocol: 'mqtt-json', topic, payload: `{"timestamp_ms": ${timestampMs}, "value": 61.5, "unit": "${signal.unit}", "quality": "GOOD"` };
    case 'wrong-type':
      return { protocol: 'mqtt-json', topic, payload: JSON.stringify({ timestamp_ms: 'yesterday', value: 'hot', unit: 42, quality: true }) };
    case 'out-of-range': {
      const high = signal.range?.high ?? 100;
      return { protocol: 'mqtt-json', topic, payload: JSON.stringify({ timestamp_ms: timestampMs, value: high * 10 + 1, unit: signal.unit, quality: 'GOOD' }) };
    }
    case 'oversized': {
      const base = { timestamp_ms: timestampMs, value: 1, unit: signal.unit, quality: 'GOOD', padding: '' };
      const padding = Math.max(0, oversizedBytes - JSON.stringify(base).length);
      return { protocol: 'mqtt-json', topic, payload: JSON.stringify({ ...base, padding: 'x'.repeat(padding) }) };
    }
  }
}
