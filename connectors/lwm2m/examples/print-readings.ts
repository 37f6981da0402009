/**
 * Runs an LwM2M server on 127.0.0.1:5683 (plain CoAP) and prints the readings of one device's IPSO temperature sensor.
 * Run: npx tsx connectors/lwm2m/examples/print-readings.ts [endpoint]
 * then start an LwM2M client registering as that endpoint (default press-7-sensors) to coap://127.0.0.1:5683 with object 3303.
 */
import { lwm2mSourceConfigSchema, lwm2mSourceSpec } from '../src/index';

const config = lwm2mSourceConfigSchema.parse({
  security: 'noSec',
  devices: [{ endpoint: process.argv[2] ?? 'press-7-sensors', assetPath: 'acme/berlin/press-shop/line-1/press-7', observe: [{ path: '/3303/0/5700' }] }],
});
const source = lwm2mSourceSpec.create(config, { instanceName: 'example', stateDir: '.fieldmesh/example-lwm2m' });
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());

await source.connect();
try {
  while (!stop.signal.aborted) {
    const batch = await source.read(stop.signal);
    for (const r of batch.readings) console.log(`${new Date(r.readingTime).toISOString()} ${r.deviceId} ${r.signal}=${r.value} ${r.unit ?? ''}`);
    for (const r of batch.rejects) console.log(`REJECT ${r.sourceAddress} ${r.errorClass}: ${r.reason}`);
    await batch.ack();
  }
} catch (error) {
  if (!stop.signal.aborted) throw error;
} finally {
  await source.close();
}
