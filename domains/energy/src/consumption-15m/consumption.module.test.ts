import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import type { KafkaPort } from '@fieldmesh/kafka';
import type { AvroSerde } from '@fieldmesh/serde';
import { createStreamsApp, TestDriver, type TestInput } from '@fieldmesh/streams';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsumptionModule } from './consumption.module';
import { ConsumptionPipeline } from './consumption.pipeline';
import { tariffConfigSchema } from './tariff.config';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const contract = loadContract(join(root, 'contracts', 'energy', 'consumption-15m.yaml'), root);
const cleanSchema = JSON.parse(readFileSync(join(root, 'schemas', 'plant-telemetry', 'CleanReading.avsc'), 'utf8')) as object;
const notUsed = {} as KafkaPort & AvroSerde;
const apps: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

describe('ConsumptionModule', () => {
  it('routes the clean topic of the contract to the consumption pipeline through a Nest event handler', async () => {
    const pipeline = new ConsumptionPipeline(contract, { tariffs: tariffConfigSchema.parse({ default: { basePricePerKwh: 0.25 } }) });
    const { app, transport } = await createStreamsApp(
      ConsumptionModule.forPipeline(pipeline),
      { name: 'energy', kafka: notUsed, serde: notUsed, groupId: 'g', outputs: { [pipeline.outputTopic]: pipeline.outputSchema }, state: pipeline.state },
      { logger: false },
    );
    apps.push(app);
    const driver = new TestDriver({ handler: transport.handler(), inputs: { [pipeline.inputTopic]: cleanSchema }, outputs: { [pipeline.outputTopic]: pipeline.outputSchema } });
    const asset = 'acme/berlin/hall/line-1/pump-1';
    const inputs: TestInput[] = [0, 1, 15, 18].map((minute, i) => ({
      key: asset,
      value: {
        readingTime: minute * 60_000, receivedTime: 0, gatewayId: 'gw', sequenceNumber: i, deviceId: 'd', assetPath: asset, signal: 'power', value: 40, valueText: null,
        unit: 'kW', sourceUnit: 'kW', quality: 'GOOD', qualityCode: null, sourceProtocol: 'OPC_UA', sourceAddress: 'x', isHistorical: false, arrival: 'IN_ORDER', operatorBadge: null, attributes: {},
      },
    }));
    await driver.pipe(pipeline.inputTopic, inputs);
    // 40 kW over the first minute; the 14 minutes after it are a gap longer than the 60 s limit, not bridged.
    expect(driver.outputs().map((o) => [(o.value as { level: string }).level, (o.value as { energyKwh: number }).energyKwh])).toEqual([
      ['ASSET', 40 / 60],
      ['LINE', 40 / 60],
      ['SITE', 40 / 60],
    ]);
  });
});
