/**
 * A test job in its own process, so a test can kill it with SIGKILL mid-batch:
 * `node --import tsx job.main.ts <pass-through|windowed> <json options>`. Prints one JSON line per event.
 */
import { createKafka } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { passThroughJob, type TestJobOptions, windowedSumJob } from './test-jobs';

const [kind, json] = process.argv.slice(2);
const options = JSON.parse(json ?? '{}') as Omit<TestJobOptions, 'kafka' | 'serde' | 'onBatch' | 'onLate'> & { brokers: string[]; registryUrl: string };
const say = (event: object): void => void process.stdout.write(`${JSON.stringify(event)}\n`);

const kafka = createKafka({ clientId: `streams-test-${kind}`, brokers: options.brokers });
const serde = new AvroSerde({ registryUrl: options.registryUrl });
const run = kind === 'windowed' ? windowedSumJob : passThroughJob;
const job = await run({
  ...options,
  kafka,
  serde,
  onBatch: (records) => say({ event: 'batch', records }),
  onLate: (asset, windowStart) => say({ event: 'late', asset, windowStart }),
});
say({ event: 'ready' });
process.on('SIGTERM', () => void job.close().then(() => process.exit(0)));
