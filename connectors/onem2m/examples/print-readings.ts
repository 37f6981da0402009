/**
 * Prints the readings of one oneM2M container and acks each batch.
 * Run: npx tsx connectors/onem2m/examples/print-readings.ts http://127.0.0.1:8080 <container path below cse-in> [originator]
 * The container's <accessControlPolicy> must grant the originator (default Cfieldmesh-example) Create, Retrieve, Delete and Notify.
 */
import { onem2mSourceConfigSchema, onem2mSourceSpec } from '../src/index';

const config = onem2mSourceConfigSchema.parse({
  cseUrl: process.argv[2] ?? 'http://127.0.0.1:8080',
  cseBaseName: 'cse-in',
  originator: process.argv[4] ?? 'Cfieldmesh-example',
  aeName: 'fieldmesh-example',
  mappings: [{ container: process.argv[3] ?? 'press-7/temperature', assetPath: 'acme/berlin/press-shop/line-1/press-7', signal: 'oil_temperature', unit: 'Cel' }],
});
const source = onem2mSourceSpec.create(config, { instanceName: 'example', stateDir: '.fieldmesh/example-onem2m' });
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());

await source.connect();
try {
  while (!stop.signal.aborted) {
    const batch = await source.read(stop.signal);
    for (const r of batch.readings)
      console.log(`${new Date(r.readingTime).toISOString()} ${r.assetPath} ${r.signal}=${r.value} ${r.unit ?? ''}${r.isHistorical ? ' (backfilled)' : ''}`);
    for (const r of batch.rejects) console.log(`REJECT ${r.sourceAddress} ${r.errorClass}: ${r.reason}`);
    await batch.ack();
  }
} catch (error) {
  if (!stop.signal.aborted) throw error;
} finally {
  await source.close();
}
