import { parseArgs } from 'node:util';
import { loadConfig } from '@fieldmesh/config';
import { z } from 'zod';

export const USAGE = `npm run bench [-- options]

Starts a stack of its own (.fieldmesh/bench-stack), runs the edge gateway in this process and the
simulator's load mode in another, and prints end-to-end and per-stage figures. Results also go to
.fieldmesh/bench/results.json. Each gateway run and the latency run go twice, secure (MQTT mTLS with a
topic ACL, Kafka SASL_SSL) and plain (both PLAINTEXT, anonymous), through the same brokers, and the
report puts them side by side with the ratio. Takes about 6 minutes with the defaults; a short run:
  npm run bench -- --saturation-seconds 10 --bridge-seconds 8 --latency-seconds 10 --drain-seconds 10 --consume-seconds 5

Options
  --saturation-seconds <s>   load per gateway saturation run (default 20)
  --bridge-seconds <s>       load per bare-bridge run (default 15)
  --drain-seconds <s>        most to wait after a run for the system to catch up (default 15)
  --json-rate <n>            points/s asked of the MQTT JSON load generator (default 60000)
  --sparkplug-rate <n>       points/s asked of the Sparkplug load generator (default 400000)
  --latency-rate <n>         fixed rate of the latency run (default 2000)
  --latency-seconds <s>      length of the latency run (default 30)
  --consume-seconds <s>      most time for the Kafka consume measurement (default 15)
  --security <both|secure|plain>  which sides to run (default both: the cost of security, same run)
  --profile                  CPU-profile the gateway runs; .cpuprofile files go to .fieldmesh/bench/
  --publish                  also write results.json and the chart (throughput.svg) to docs/bench/,
                             where the README's performance table takes its figures from
  -h, --help                 this help
`;

const seconds = z.number().int().min(1).max(600);
const rate = z.number().int().min(1).max(10_000_000);

export const benchOptionsSchema = z.strictObject({
  saturationSeconds: seconds.default(20),
  bridgeSeconds: seconds.default(15),
  drainSeconds: seconds.default(15),
  jsonTargetRate: rate.default(60_000),
  sparkplugTargetRate: rate.default(400_000),
  latencyRate: rate.default(2_000),
  latencySeconds: seconds.default(30),
  consumeSeconds: seconds.default(15),
  security: z.enum(['both', 'secure', 'plain']).default('both'),
  profile: z.boolean().default(false),
  publish: z.boolean().default(false),
});

export type BenchOptions = z.output<typeof benchOptionsSchema>;

const FLAGS = {
  'saturation-seconds': 'saturationSeconds',
  'bridge-seconds': 'bridgeSeconds',
  'drain-seconds': 'drainSeconds',
  'json-rate': 'jsonTargetRate',
  'sparkplug-rate': 'sparkplugTargetRate',
  'latency-rate': 'latencyRate',
  'latency-seconds': 'latencySeconds',
  'consume-seconds': 'consumeSeconds',
  security: 'security',
} as const;

/** The options, or `help` when asked; a wrong value throws ConfigInvalid naming the flag's field. */
export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      profile: { type: 'boolean' },
      publish: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const input: Record<string, unknown> = { profile: values.profile ?? false, publish: values.publish ?? false };
  for (const [flag, field] of Object.entries(FLAGS)) {
    const text = (values as Record<string, unknown>)[flag];
    // Text that is not a number reaches zod as text, so the problem names the field.
    if (typeof text === 'string') input[field] = Number.isFinite(Number(text)) ? Number(text) : text;
  }
  return loadConfig(benchOptionsSchema, input, 'bench options');
}
