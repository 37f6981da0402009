import type { SourceConnectorSpec } from '@fieldmesh/connect';
import { mqttSourceConfigSchema } from './config';
import { MqttSource } from './source';

export const mqttSourceSpec = {
  name: 'mqtt',
  kind: 'source',
  status: 'beta',
  summary:
    'Reads MQTT 3.1.1/5 messages with JSON (topic mapping rules) or Sparkplug B payloads (birth certificates, aliases, rebirth requests, seq gap detection), at least once: QoS 1 PUBACKs wait for the gateway, the persistent session keeps what is published while it is down.',
  config: mqttSourceConfigSchema,
  inputs: ['mqtt topics'],
  metadata: [
    { key: 'mqtt.qos', description: 'QoS the message was delivered with (JSON).' },
    { key: 'mqtt.retained', description: '"true" when the broker delivered a retained message, which may be old (JSON).' },
    { key: 'sparkplug.group', description: 'Sparkplug group id.' },
    { key: 'sparkplug.node', description: 'Sparkplug edge node id.' },
    { key: 'sparkplug.device', description: 'Sparkplug device id (absent for node metrics).' },
    { key: 'sparkplug.messageType', description: 'NBIRTH, DBIRTH, NDATA, DDATA, NDEATH or DDEATH.' },
    { key: 'sparkplug.alias', description: 'Metric alias from the birth certificate.' },
    { key: 'sparkplug.datatype', description: 'Sparkplug datatype of the metric (Double, String, …).' },
    { key: 'sparkplug.seq', description: 'Sequence number of the message (0..255).' },
    { key: 'sparkplug.seqGap', description: '"true" when messages before this one were lost (a rebirth was requested).' },
    { key: 'sparkplug.stale', description: '"true" for a reading of a node or device that died and was not born again; its quality is BAD.' },
    { key: 'sparkplug.event', description: 'NDEATH or DDEATH on the BAD, valueless reading emitted per signal when a node or device dies.' },
  ],
  create: (config, context) => new MqttSource(config, context),
} satisfies SourceConnectorSpec<typeof mqttSourceConfigSchema>;
