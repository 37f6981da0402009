import { describeSourceConformance } from '@fieldmesh/connect-conformance';
import { mqttRig } from './conformance.rig';
import { uniqueId } from './broker';

describeSourceConformance('MQTT JSON', {
  acknowledgesUpstream: true,
  rig: () => {
    const enterprise = uniqueId('acme');
    const topic = `${enterprise}/berlin/press-shop/line-1/pump-1/flow`;
    return mqttRig(
      { format: 'json', mappings: [{ topic: `${enterprise}/+site/+area/+line/+asset/+signal`, assetPath: `${enterprise}/{site}/{area}/{line}/{asset}`, deviceId: '{asset}' }] },
      (client) => ({
        async publish(values) {
          for (const value of values) await client.publishAsync(topic, JSON.stringify({ timestamp_ms: Date.now(), value, unit: 'm3/h' }), { qos: 1 });
        },
        async publishMalformed() {
          await client.publishAsync(topic, '{"value": ', { qos: 1 });
        },
      }),
    );
  },
});
