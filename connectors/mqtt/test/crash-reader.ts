/**
 * A gateway stand-in for the kill -9 test: connects an MQTT source, reads batches without acking them,
 * prints SUBSCRIBED and then how many readings it holds, and waits to be killed.
 * Usage: node --import tsx crash-reader.ts <config JSON>
 */
import { mqttSourceConfigSchema } from '../src/config';
import { MqttSource } from '../src/source';

const config = mqttSourceConfigSchema.parse(JSON.parse(process.argv[2]!));
const source = new MqttSource(config, { instanceName: 'crash-reader', stateDir: '/tmp' });
await source.connect();
process.stdout.write('SUBSCRIBED\n');
const signal = new AbortController().signal;
let held = 0;
for (;;) {
  const batch = await source.read(signal);
  held += batch.readings.length;
  process.stdout.write(`HELD ${held}\n`);
}
