import { describeSourceConformance } from '@fieldmesh/connect-conformance';
import { get } from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { mqttRig } from './conformance.rig';
import { uniqueId } from './broker';

const sparkplug = get('spBv1.0')!;

describeSourceConformance('MQTT Sparkplug B', {
  acknowledgesUpstream: true,
  rig: () => {
    const group = uniqueId('berlin');
    const node = 'press-shop.line-1';
    const device = 'pump-1';
    return mqttRig({ format: 'sparkplugb', sparkplug: { groupIds: [group], assetPath: 'acme/{group}/{nodePath}/{device}', rebirthIntervalMs: 60_000 } }, (client) => {
      let seq = 0;
      let born = false;
      const publish = (type: 'NBIRTH' | 'DBIRTH' | 'DDATA', metrics: UMetric[]) =>
        client.publishAsync(
          [`spBv1.0/${group}/${type}/${node}`, ...(type === 'NBIRTH' ? [] : [device])].join('/'),
          Buffer.from(sparkplug.encodePayload({ timestamp: Date.now(), seq: seq++ % 256, metrics } as UPayload)),
          { qos: 1 },
        );
      // The edge node is born once, at its first reading, as one coming online while the gateway runs.
      const ensureBorn = async () => {
        if (born) return;
        born = true;
        await publish('NBIRTH', [{ name: 'bdSeq', type: 'UInt64', value: 0 }]);
        await publish('DBIRTH', [{ name: 'flow', alias: 1, type: 'Double', value: 0 }]);
      };
      return {
        async publish(values) {
          await ensureBorn();
          for (const value of values) await publish('DDATA', [{ alias: 1, type: 'Double', value, timestamp: Date.now() }]);
        },
        async publishMalformed() {
          await ensureBorn();
          await client.publishAsync(`spBv1.0/${group}/DDATA/${node}/${device}`, Buffer.from('not a sparkplug payload'), { qos: 1 });
        },
      };
    });
  },
});
