/**
 * The soak at full length: `npm run test:long:soak [-- --minutes 60 --fault-every-minutes 5]`. Runs the main
 * job (`npm start`) for the given time at 10x plant speed on a stack of its own (a fresh one, so that no
 * earlier run's watermarks slow the plant, and so that a developer's stack is not killed), with kill -9 and
 * restart of Kafka, the ClickHouse server, the registry and Mosquitto in turn every few minutes, and prints
 * the main job's verdict and every process's memory slope. Exit 1 when the main job failed (a record
 * unaccounted for, a stage stalled, a crash) or a process's memory grows faster than the bound.
 * `--dir <stack folder>` uses a running stack instead (its services are killed and restarted).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblems, parseWith } from '@fieldmesh/config';
import { attachStack, startStack, type Stack } from '@fieldmesh/stack';
import { z } from 'zod';
import { formatSoakReport, soakProblems } from './soak.report';
import { runSoak } from './soak.scenario';
import { useStackClients } from './stack-clients.env';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    'fault-every-minutes': { type: 'string', default: '5' },
    'down-seconds': { type: 'string', default: '5' },
    'sample-every-seconds': { type: 'string', default: '10' },
    'restart-warmup-minutes': { type: 'string', default: '2' },
    dir: { type: 'string' },
  },
});

const optionsSchema = z.strictObject({
  minutes: z.coerce.number().positive(),
  'fault-every-minutes': z.coerce.number().positive(),
  'down-seconds': z.coerce.number().nonnegative(),
  'sample-every-seconds': z.coerce.number().positive(),
  'restart-warmup-minutes': z.coerce.number().nonnegative(),
  dir: z.string().min(1).optional(),
});
const parsed = parseWith(optionsSchema, values);
if (!parsed.ok) {
  console.error(`Invalid options:\n${formatProblems(parsed.problems)}`);
  process.exit(2);
}
const options = parsed.value;
const say = (line: string) => console.log(`[soak] ${line}`);

const durationSeconds = Math.round(options.minutes * 60);
const everySeconds = options['fault-every-minutes'] * 60;
// Faults from one interval in until one interval before the end: the last one heals while the plant still runs.
const faults = Math.max(0, Math.floor(durationSeconds / everySeconds) - 1);

let stack: Stack;
let ownStackDir: string | undefined;
if (options.dir) {
  stack = attachStack(options.dir);
  say(`using the stack in ${options.dir}: its services are killed and restarted`);
} else {
  ownStackDir = await mkdtemp(join(tmpdir(), 'fm-soak-stack-'));
  say(`starting a stack of its own in ${ownStackDir}`);
  stack = await startStack({ dir: ownStackDir, lifetime: 'session', log: say });
}
useStackClients(stack);
try {
  const report = await runSoak({
    stack,
    workDir: await mkdtemp(join(tmpdir(), 'fm-soak-')),
    durationSeconds,
    firstFaultAfterSeconds: everySeconds,
    faultEverySeconds: everySeconds,
    faults,
    serviceDownMs: options['down-seconds'] * 1000,
    sampleEveryMs: options['sample-every-seconds'] * 1000,
    restartWarmupSeconds: options['restart-warmup-minutes'] * 60,
    log: say,
  });
  console.log(formatSoakReport(report));
  const problems = soakProblems(report);
  for (const problem of problems) console.log(`FAIL: ${problem}`);
  console.log(problems.length === 0 ? 'Soak passed.' : `Soak failed; the main job's log: ${report.mainJob.log}`);
  process.exitCode = problems.length > 0 ? 1 : 0;
} finally {
  if (ownStackDir) {
    await stack.stop();
    await rm(ownStackDir, { recursive: true, force: true });
  }
}
