import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceName, Stack } from '@fieldmesh/stack';
import { KILLED_SERVICES } from './faults.scenario';
import { MainJobProcess, type MainJobOutcome } from './main-job.process';
import { memorySlope, type MemorySlope, type RssSample } from './memory.slope';
import { RssRecorder } from './rss.recorder';

export interface SoakOptions {
  /** A running stack: the main job runs on it, and its services are killed and started again. */
  stack: Stack;
  /** The main job's log goes here. */
  workDir: string;
  /** The main job's --duration: how long its plant publishes (at 10x plant speed, the main job's default). */
  durationSeconds: number;
  /** Faults begin this long after the plant started, then one every `faultEverySeconds`. */
  firstFaultAfterSeconds: number;
  faultEverySeconds: number;
  /** How many: kill -9 of KILLED_SERVICES in turn (Kafka, the ClickHouse server, the registry, Mosquitto). */
  faults: number;
  /** How long a killed service stays down before it is started again. */
  serviceDownMs?: number;
  /** How often every process's resident memory is read. */
  sampleEveryMs: number;
  /** Samples of a service this soon after it was (re)started are its warm-up, left out of its slope. */
  restartWarmupSeconds: number;
  log?: (line: string) => void;
}

export interface SoakFault {
  service: ServiceName;
  /** Seconds after the plant started. */
  atSeconds: number;
  /** From the kill until the service answered again. */
  downSeconds: number;
}

export interface ProcessMemory {
  name: string;
  /** MB (10^6 bytes) at the first and last sample of the fitted window, and the highest sample of the run. */
  fittedFromMb: number | null;
  fittedToMb: number | null;
  /** From the first to the last fitted sample. */
  fittedMinutes: number;
  peakMb: number;
  slope: MemorySlope;
}

export interface SoakReport {
  durationSeconds: number;
  /** Wall-clock seconds of the whole run: start, plant, drain and the report. */
  wallSeconds: number;
  mainJob: MainJobOutcome & { log: string; crashes: readonly string[] };
  faults: SoakFault[];
  /** Services found down after another service's fault (started again). */
  collateral: string[];
  /** Every sample (process, pid, seconds after the plant started, MB), to plot or fit otherwise. */
  samplesCsv: string;
  /** The fitted window, seconds after the plant started: the second half of the plant's run. */
  fittedSeconds: [number, number];
  memory: ProcessMemory[];
}

const MB = 1e6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The soak: the main job (`npm start`) as its own process for `durationSeconds` on the stack, while Kafka,
 * the ClickHouse server, the registry and Mosquitto are killed with kill -9 and started again on a schedule,
 * and the resident memory of the main job's process tree and of every service is sampled. Memory slopes
 * are fitted over the second half of the plant's run (the first half is warm-up: caches, JIT, the JVM
 * heap and the windows filling), leaving out each restarted service's own warm-up. The main job's report
 * says whether every message is accounted for; its exit code whether nothing stalled either.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const { stack } = options;
  if (options.restartWarmupSeconds >= options.durationSeconds / 2)
    throw new Error('restartWarmupSeconds must be shorter than half the run, or a restarted service leaves nothing to fit');
  await mkdir(options.workDir, { recursive: true });
  // `start --dir` starts a fresh stack in that folder, removing the old one, unless every service runs.
  for (const service of stack.status().filter((s) => !s.running)) await stack.startService(service.name);

  const started = Date.now();
  const mainJob = new MainJobProcess(join(options.workDir, 'main-job.log'));
  const recorder = new RssRecorder(() => [
    { name: 'main job', pid: mainJob.alive ? mainJob.pid : undefined },
    ...stack.status().map((s) => ({ name: s.name, pid: s.running ? s.pid : undefined })),
  ]);
  const faults: SoakFault[] = [];
  const collateral: string[] = [];
  let plantStarted = 0;
  try {
    mainJob.start(stack.dir, options.durationSeconds);
    recorder.start(options.sampleEveryMs);
    await mainJob.running();
    plantStarted = Date.now();
    log(`main job running (pid ${mainJob.pid}, log ${mainJob.logFile}); ${options.faults} faults from ${options.firstFaultAfterSeconds} s, every ${options.faultEverySeconds} s`);

    for (let i = 0; i < options.faults && mainJob.alive; i += 1) {
      await sleep(Math.max(0, plantStarted + (options.firstFaultAfterSeconds + i * options.faultEverySeconds) * 1000 - Date.now()));
      if (!mainJob.alive) break;
      const service = KILLED_SERVICES[i % KILLED_SERVICES.length]!;
      const killedAt = Date.now();
      await stack.killService(service);
      await sleep(options.serviceDownMs ?? 5_000);
      await stack.startService(service);
      const fault = { service, atSeconds: Math.round((killedAt - plantStarted) / 1000), downSeconds: Math.round((Date.now() - killedAt) / 100) / 10 };
      faults.push(fault);
      log(`kill -9 ${service} at ${fault.atSeconds} s, back after ${fault.downSeconds} s`);
      for (const down of stack.status().filter((s) => !s.running)) {
        collateral.push(`${down.name} was down after the kill of ${service}`);
        await stack.startService(down.name);
      }
    }
    const outcome = await mainJob.outcome();
    await recorder.stop();
    log(`main job exited with ${outcome.exit.signal ?? `code ${outcome.exit.code}`}`);
    const fitted: [number, number] = [options.durationSeconds / 2, options.durationSeconds];
    const samplesCsv = join(options.workDir, 'rss.csv');
    await writeFile(samplesCsv, samplesToCsv(recorder.samples(), plantStarted));
    return {
      durationSeconds: options.durationSeconds,
      wallSeconds: Math.round((Date.now() - started) / 1000),
      mainJob: { ...outcome, log: mainJob.logFile, crashes: mainJob.unexpectedExits },
      faults,
      collateral,
      samplesCsv,
      fittedSeconds: fitted,
      memory: [...recorder.samples()].map(([name, samples]) =>
        processMemory(name, samples, plantStarted + fitted[0] * 1000, plantStarted + fitted[1] * 1000, options.restartWarmupSeconds * 1000),
      ),
    };
  } finally {
    await recorder.stop();
    await mainJob.stop();
    // A run that failed mid-fault leaves its service down: the stack may be shared.
    for (const service of stack.status().filter((s) => !s.running)) await stack.startService(service.name);
  }
}

/** The slope of one process's samples within [fromMs, toMs], each life's first `warmupMs` left out. */
function processMemory(name: string, samples: readonly RssSample[], fromMs: number, toMs: number, warmupMs: number): ProcessMemory {
  const lifeStart = new Map<number, number>();
  for (const sample of samples) if (!lifeStart.has(sample.pid)) lifeStart.set(sample.pid, sample.atMs);
  const fitted = samples.filter((s) => s.atMs >= fromMs && s.atMs <= toMs && s.atMs >= lifeStart.get(s.pid)! + warmupMs);
  return {
    name,
    fittedFromMb: fitted.length > 0 ? fitted[0]!.bytes / MB : null,
    fittedToMb: fitted.length > 0 ? fitted.at(-1)!.bytes / MB : null,
    fittedMinutes: fitted.length > 0 ? (fitted.at(-1)!.atMs - fitted[0]!.atMs) / 60_000 : 0,
    peakMb: Math.max(0, ...samples.map((s) => s.bytes / MB)),
    slope: memorySlope(fitted),
  };
}

function samplesToCsv(series: ReadonlyMap<string, readonly RssSample[]>, originMs: number): string {
  const rows = [...series].flatMap(([name, samples]) => samples.map((s) => `${name},${s.pid},${((s.atMs - originMs) / 1000).toFixed(1)},${(s.bytes / MB).toFixed(1)}`));
  return ['process,pid,seconds,mb', ...rows].join('\n') + '\n';
}
