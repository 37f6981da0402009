import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import type { KafkaPort } from '@fieldmesh/kafka';
import type { AvroSerde } from '@fieldmesh/serde';
import { createStreamsApp, TestDriver } from '@fieldmesh/streams';
import { afterEach, describe, expect, it } from 'vitest';
import { CleanModule } from './clean.module';
import { CleanPipeline } from './clean.pipeline';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const contract = loadContract(join(root, 'contracts', 'plant-telemetry', 'clean.yaml'), root);
const rawSchema = JSON.parse(readFileSync(join(root, 'schemas', 'plant-telemetry', 'RawReading.avsc'), 'utf8')) as object;
const notUsed = {} as KafkaPort & AvroSerde;
const apps: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

describe('CleanModule', () => {
  it('routes the raw topic of the contract to the clean pipeline through a Nest event handler', async () => {
    const pipeline = new CleanPipeline(contract);
    const { app, transport } = await createStreamsApp(
      CleanModule.forPipeline(pipeline),
      { name: 'clean', kafka: notUsed, serde: notUsed, groupId: 'g', outputs: { [pipeline.outputTopic]: pipeline.outputSchema } },
      { logger: false },
    );
    apps.push(app);
    const driver = new TestDriver({ handler: transport.handler(), inputs: { [pipeline.inputTopic]: rawSchema }, outputs: { [pipeline.outputTopic]: pipeline.outputSchema } });
    const reading = {
      readingTime: 1795000000000, receivedTime: 1795000000100, gatewayId: 'gw-1', sequenceNumber: 1, deviceId: 'd', assetPath: 'acme/berlin/hall/line-1/pump-1',
      signal: 'discharge_pressure', value: 250, valueText: null, unit: 'kPa', quality: 'GOOD', qualityCode: null, sourceProtocol: 'OPC_UA', sourceAddress: 'x',
      isHistorical: false, operatorBadge: null, attributes: {},
    };
    await driver.pipe(pipeline.inputTopic, [{ key: reading.assetPath, value: reading }, { key: reading.assetPath, value: reading }]);
    expect(driver.outputs().map((o) => [o.topic, o.key, (o.value as { value: number; unit: string }).value, (o.value as { unit: string }).unit])).toEqual([
      ['plant.telemetry.clean.v1', reading.assetPath, 2.5, 'bar'],
    ]);
  });
});
