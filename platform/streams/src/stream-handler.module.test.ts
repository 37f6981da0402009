import 'reflect-metadata';
import type { KafkaPort } from '@fieldmesh/kafka';
import type { AvroSerde } from '@fieldmesh/serde';
import { afterEach, describe, expect, it } from 'vitest';
import { eachRecord } from './each-record';
import type { StreamRecord } from './stream.types';
import { StreamHandlerModule } from './stream-handler.module';
import { createStreamsApp } from './streams.app';
import { TestDriver } from './test.driver';

const schema = { type: 'record', name: 'Value', namespace: 'test', fields: [{ name: 'v', type: 'double' }] };
const unused = {} as KafkaPort & AvroSerde;
const apps: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

describe('StreamHandlerModule', () => {
  it('routes the batches of the topic chosen at run time to the handler, in two apps of one process', async () => {
    const drivers = await Promise.all(
      ['in-a', 'in-b'].map(async (topic, i) => {
        const handler = async (records: StreamRecord<unknown>[]) =>
          eachRecord(records, (r) => ({ topic: 'out', key: topic, value: { v: (r.value as { v: number }).v * (i + 2) } }));
        const { app, transport } = await createStreamsApp(
          StreamHandlerModule.forTopic(topic, handler),
          { name: topic, kafka: unused, serde: unused, groupId: 'g', outputs: { out: schema } },
          { logger: false },
        );
        apps.push(app);
        return new TestDriver({ handler: transport.handler(), outputs: { out: schema } });
      }),
    );
    await drivers[0]!.pipe('in-a', [{ key: 'k', value: { v: 1 } }]);
    await drivers[1]!.pipe('in-b', [{ key: 'k', value: { v: 1 } }]);
    expect(drivers.flatMap((driver) => driver.outputs('out').map((o) => [o.key, (o.value as { v: number }).v]))).toEqual([
      ['in-a', 2],
      ['in-b', 3],
    ]);
  });
});
