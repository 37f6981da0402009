import 'reflect-metadata';
import { Controller, Inject, Injectable, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { AvroSerde } from '@fieldmesh/serde';
import type { KafkaPort } from '@fieldmesh/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { eachRecord } from './each-record';
import type { RecordFailed } from './errors';
import type { StreamOutput, StreamRecord } from './stream.types';
import { StreamsContext } from './streams.context';
import { createStreamsApp } from './streams.app';
import { TestDriver } from './test.driver';

const outSchema = {
  type: 'record',
  name: 'Doubled',
  namespace: 'test',
  fields: [
    { name: 'v', type: 'double' },
    { name: 'from', type: 'string' },
  ],
};

@Injectable()
class Doubler {
  double(v: number): number {
    if (!Number.isFinite(v)) throw new Error(`not a number: ${v}`);
    return v * 2;
  }
}

@Controller()
class DoublingController {
  constructor(@Inject(Doubler) private readonly doubler: Doubler) {}

  @EventPattern('readings')
  // Nest 12 types the arguments after the payload as unknown: take the context as such and narrow it.
  async onReadings(@Payload() records: StreamRecord<{ v: number }>[], @Ctx() context: unknown): Promise<Array<StreamOutput | RecordFailed>> {
    const topic = (context as StreamsContext).getTopic();
    return eachRecord(records, (r) => ({ topic: 'doubled', key: r.key ?? '', value: { v: this.doubler.double(r.value.v), from: topic } }));
  }

  @EventPattern('commands')
  async onCommands(@Payload() records: StreamRecord<{ v: number }>[]): Promise<StreamOutput[]> {
    if (records.some((r) => r.value.v < 0)) throw new Error('negative command');
    return records.map((r) => ({ topic: 'doubled', key: 'cmd', value: { v: r.value.v, from: 'commands' } }));
  }
}

@Module({ controllers: [DoublingController], providers: [Doubler] })
class DoublingModule {}

const unused = {} as KafkaPort & AvroSerde;
const apps: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function driverFor(): Promise<TestDriver> {
  const { app, transport } = await createStreamsApp(
    DoublingModule,
    { name: 'doubling', kafka: unused, serde: unused, groupId: 'g', outputs: { doubled: outSchema } },
    { logger: false },
  );
  apps.push(app);
  return new TestDriver({ handler: transport.handler(), outputs: { doubled: outSchema } });
}

describe('StreamsTransport', () => {
  it('hands each @EventPattern handler the batch records of its topic and produces what it returns', async () => {
    const driver = await driverFor();
    await driver.pipe('readings', [
      { key: 'a', value: { v: 1 } },
      { key: 'b', value: { v: 2.5 } },
    ]);
    expect(driver.outputs('doubled')).toEqual([
      { topic: 'doubled', key: 'a', value: { v: 2, from: 'readings' } },
      { topic: 'doubled', key: 'b', value: { v: 5, from: 'readings' } },
    ]);
  });

  it('dead-letters the records a Nest handler fails on, the rest flows', async () => {
    const driver = await driverFor();
    await driver.pipe('readings', [
      { key: 'a', value: { v: 1 } },
      { key: 'bad', value: { v: Number.NaN } },
    ]);
    await driver.pipe('commands', [{ value: { v: 3 } }, { value: { v: -1 } }, { value: { v: 4 } }]);
    expect(driver.outputs().map((o) => o.key)).toEqual(['a', 'cmd', 'cmd']);
    expect(driver.deadLetters().map((d) => [d.record.topic, d.record.offset, (d.error as Error).message])).toEqual([
      ['readings', '1', 'not a number: NaN'],
      ['commands', '1', 'negative command'],
    ]);
  });
});
