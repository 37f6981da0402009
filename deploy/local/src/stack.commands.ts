import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka } from '@fieldmesh/kafka';
import { resetWatermarks } from '@fieldmesh/pipeline';
import { attachStack, kafkaClientEnv, kafkaNodeId, logTail, runningStack, startStack, type Stack } from '@fieldmesh/stack';
import type { CliCommand } from './cli.options';
import type { Output } from './command.output';
import { followLogs } from './log.follower';
import { runMainJob } from './main-job/main-job';
import { type MainJobReport, passed } from './main-job/report';
import { formatStatus } from './stack.printer';

type Command<K extends CliCommand['command']> = Extract<CliCommand, { command: K }>;

function hasState(dir: string): boolean {
  return existsSync(join(dir, 'state.json'));
}

/** Starts the stack (with `brokers` Kafka nodes and `clickhouseReplicas` ClickHouse servers, default 1 each) in the background unless it already runs; returns it either way. */
async function bringUp(dir: string, output: Output, brokers?: number, clickhouseReplicas?: number): Promise<{ stack: Stack; startedNow: boolean }> {
  const running = runningStack(dir);
  if (running) {
    const runningBrokers = running.status().filter((service) => kafkaNodeId(service.name) !== undefined).length;
    output.err(`The stack in ${dir} is already running (${runningBrokers} Kafka broker(s)).`);
    if (brokers !== undefined && brokers !== runningBrokers) {
      output.err(`  --brokers ${brokers} applies to a new stack: 'npm run stack -- down' first to start one with ${brokers}.`);
    }
    const runningReplicas = running.status().filter((service) => service.name.startsWith('clickhouse')).length;
    if (clickhouseReplicas !== undefined && clickhouseReplicas !== runningReplicas) {
      output.err(`  --clickhouse-replicas ${clickhouseReplicas} applies to a new stack: 'npm run stack -- down' first to start one with ${clickhouseReplicas}.`);
    }
    return { stack: running, startedNow: false };
  }
  output.err(`Starting the stack in ${dir} (installs what is missing on first use)...`);
  const stack = await startStack({
    dir,
    lifetime: 'detached',
    log: (line) => output.err(`  ${line}`),
    ...(brokers !== undefined ? { kafka: { brokers } } : {}),
    ...(clickhouseReplicas !== undefined ? { clickhouse: { replicas: clickhouseReplicas } } : {}),
  });
  return { stack, startedNow: true };
}

export async function up(command: Command<'up'>, dir: string, output: Output): Promise<number> {
  const { stack } = await bringUp(dir, output, command.brokers, command['clickhouse-replicas']);
  output.out(formatStatus(stack.status()));
  output.err(`Stop it with 'npm run stack -- down'.`);
  return 0;
}

export async function down(_command: Command<'down'>, dir: string, output: Output): Promise<number> {
  if (!hasState(dir)) {
    output.err(`No stack in ${dir}: nothing to stop.`);
    return 0;
  }
  await attachStack(dir).stop();
  output.err(`Stopped the stack in ${dir}. Its logs stay in ${join(dir, 'logs')} until the next 'up'.`);
  return 0;
}

export async function status(_command: Command<'status'>, dir: string, output: Output): Promise<number> {
  if (!hasState(dir)) {
    output.err(`No stack in ${dir}. Start one with 'npm run stack -- up'.`);
    return 1;
  }
  const services = attachStack(dir).status();
  output.out(formatStatus(services));
  return services.every((service) => service.running) ? 0 : 1;
}

export async function logs(command: Command<'logs'>, dir: string, output: Output, signal: AbortSignal): Promise<number> {
  if (!hasState(dir)) {
    output.err(`No stack in ${dir}, so no logs. Start one with 'npm run stack -- up'.`);
    return 1;
  }
  const services = attachStack(dir)
    .status()
    .filter((service) => !command.service || service.name === command.service);
  if (services.length === 0) {
    output.err(`The stack in ${dir} has no ${command.service}.`);
    return 1;
  }
  const label = (name: string) => (services.length > 1 ? `${name.padEnd(10)}| ` : '');
  for (const service of services) {
    const tail = logTail(service.logFile, command.lines);
    for (const line of tail ? tail.split('\n') : []) output.out(`${label(service.name)}${line}`);
  }
  if (command.follow)
    await followLogs(
      services.map((service) => ({ label: label(service.name), file: service.logFile })),
      output.out,
      signal,
    );
  return 0;
}

/**
 * `npm start`, the main job: up, then the whole pipeline on a simulated plant until Ctrl-C (or --duration),
 * a report that accounts for every message, then down (unless `up` had started the stack).
 */
export async function start(command: Command<'start'>, dir: string, output: Output, signal: AbortSignal): Promise<number> {
  const { stack, startedNow } = await bringUp(dir, output, command.brokers, command['clickhouse-replicas']);
  output.out(formatStatus(stack.status()));
  let report: MainJobReport | undefined;
  try {
    report = await runMainJob({
      stack,
      stateDir: join(dir, 'main-job', String(Date.now())),
      signal,
      output,
      ...(command.duration ? { durationSeconds: command.duration } : {}),
      ...(command.sites ? { sites: command.sites } : {}),
      ...(command.instances ? { instances: command.instances } : {}),
    });
  } finally {
    if (startedNow) {
      output.err('Stopping the stack...');
      await stack.stop();
      output.err('Stopped.');
    } else {
      output.err(`Leaving the stack running: 'npm run stack -- up' started it, 'npm run stack -- down' stops it.`);
    }
  }
  return passed(report) ? 0 : 1;
}

/**
 * `npm run stack -- reset-watermarks [--job <group>]`: drops the windowed jobs' persisted watermarks on the
 * running stack's Kafka (see resetWatermarks), e.g. after a wrong device clock dragged one years ahead.
 */
export async function resetWatermarksCommand(command: Command<'reset-watermarks'>, dir: string, output: Output): Promise<number> {
  const stack = runningStack(dir);
  const brokers = stack?.addresses.kafkaBrokers;
  if (!brokers) {
    output.err(`No running stack in ${dir}, so no watermarks to reset. Start it with 'npm run stack -- up' (an 'up' starts a fresh stack, without the old watermarks).`);
    return 1;
  }
  Object.assign(process.env, kafkaClientEnv(stack.addresses));
  const kafka = createKafka({ clientId: 'fieldmesh-reset-watermarks', brokers: brokers.split(',') });
  const resets = await resetWatermarks(kafka, command.job ? [command.job] : undefined);
  for (const { group, dropped } of resets) {
    const entries = Object.entries(dropped);
    output.out(
      entries.length === 0 ? `${group}: no watermarks persisted` : `${group}: dropped ${entries.map(([state, at]) => `${state} at ${new Date(at).toISOString()}`).join(', ')}`,
    );
  }
  output.err('The next start of these jobs rebuilds their windows from the replay of their committed offsets and emits them again.');
  return 0;
}
