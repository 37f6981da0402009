// Runnable example: subscribe to a plant's OPC UA server by browsing it and print what arrives.
//   npx tsx connectors/opcua/examples/subscribe.ts [opc.tcp://host:port]
// Without an endpoint it starts the connector's small test plant on a free 127.0.0.1 port.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@fieldmesh/config';
import { opcuaSourceSpec } from '../src/index';
import { PlantTestServer } from '../test/fixtures/plant-test-server';

const stateDir = mkdtempSync(join(tmpdir(), 'opcua-example-'));
const plant = process.argv[2] ? undefined : await PlantTestServer.start({ pkiDir: join(stateDir, 'server-pki') });
const config = loadConfig(
  opcuaSourceSpec.config,
  {
    endpointUrl: process.argv[2] ?? plant?.endpointUrl,
    browse: { rootNodeId: 'i=85', levels: ['site', 'line', 'asset'], maxDepth: 4, assetPathTemplate: 'acme/{site}/press-shop/{line}/{asset}' },
    subscription: { publishingInterval: 200, samplingInterval: 100 },
    deadband: { type: 'absolute', value: 0.1 },
  },
  'example config',
);
const source = opcuaSourceSpec.create(config, { instanceName: 'opcua-example', stateDir });
await source.connect();
const timer = setInterval(() => plant?.setValue('compressor-1', 'bearing_temperature', 60 + Math.random() * 5), 300);
let printed = 0;
while (printed < 12) {
  const batch = await source.read(AbortSignal.timeout(10_000));
  for (const r of batch.readings) console.log(`${new Date(r.readingTime).toISOString()} ${r.assetPath} ${r.signal} = ${r.value} ${r.unit ?? ''} ${r.quality}`);
  printed += batch.readings.length;
  await batch.ack();
}
clearInterval(timer);
await source.close();
await plant?.stop();
