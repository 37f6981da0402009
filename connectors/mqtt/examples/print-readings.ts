/**
 * Prints the readings of the simulated plant's MQTT JSON topics and acks each batch.
 * Run: npx tsx connectors/mqtt/examples/print-readings.ts mqtt://127.0.0.1:1883
 */
import { mqttSourceConfigSchema, mqttSourceSpec } from '../src/index';

const config = mqttSourceConfigSchema.parse({
  url: process.argv[2] ?? 'mqtt://127.0.0.1:1883',
  clientId: 'fieldmesh-example',
  format: 'json',
  mappings: [{ topic: 'acme/+site/+area/+line/+asset/+signal', assetPath: 'acme/{site}/{area}/{line}/{asset}', signal: '{signal}' }],
});
const source = mqttSourceSpec.create(config, { instanceName: 'example', stateDir: '.fieldmesh/example-mqtt' });
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());

await source.connect();
try {
  while (!stop.signal.aborted) {
    const batch = await source.read(stop.signal);
    for (const r of batch.readings) console.log(`${new Date(r.readingTime).toISOString()} ${r.assetPath} ${r.signal}=${r.value} ${r.unit ?? ''} ${r.quality}`);
    for (const r of batch.rejects) console.log(`REJECT ${r.sourceAddress} ${r.errorClass}: ${r.reason}`);
    await batch.ack();
  }
} catch (error) {
  if (!stop.signal.aborted) throw error;
} finally {
  await source.close();
}
