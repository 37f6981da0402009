import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Linux reports a process's CPU time in clock ticks of USER_HZ, which is 100 on every architecture
 * Node runs on (`getconf CLK_TCK`).
 */
const TICKS_PER_SECOND = 100;

/** utime + stime of /proc/<pid>/stat in milliseconds: every thread of the process, user and kernel. */
export function parseProcessCpuMs(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

function processCpuMs(pid: number): number | undefined {
  try {
    return parseProcessCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone, or not Linux: that process's share is then not reported
  }
}

/** CPU time so far: the whole machine's busy time over all cores, and each named process's. */
export interface CpuSample {
  machineBusyMs: number;
  processes: Record<string, number | undefined>;
}

export function sampleCpu(pids: Record<string, number | undefined>): CpuSample {
  const machineBusyMs = os.cpus().reduce((sum, cpu) => sum + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, 0);
  return { machineBusyMs, processes: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : processCpuMs(pid)])) };
}

/** CPU spent per point delivered, in microseconds, between two samples: the machine's and each process's. */
export interface CpuPerPoint {
  /** Every process on the machine, the bench's and any other (see the load average). */
  machine: number;
  /** By process: the gateway (the bench process), Mosquitto, the Kafka broker, the load generator. */
  processes: Record<string, number | undefined>;
  /** Share of all cores busy in the window, in percent. */
  machineBusyPercent: number;
}

export function cpuPerPoint(from: CpuSample, to: CpuSample, points: number, seconds: number, cores = os.cpus().length): CpuPerPoint {
  const per = (ms: number) => (points > 0 ? Math.round((ms * 1000 * 100) / points) / 100 : 0);
  const machineMs = to.machineBusyMs - from.machineBusyMs;
  return {
    machine: per(machineMs),
    processes: Object.fromEntries(
      Object.keys(to.processes).map((name) => {
        const [a, b] = [from.processes[name], to.processes[name]];
        return [name, a === undefined || b === undefined ? undefined : per(b - a)];
      }),
    ),
    machineBusyPercent: seconds > 0 ? Math.round((100 * machineMs) / (seconds * 1000 * cores)) : 0,
  };
}

/**
 * The CPU time of a process that may exit at any moment (the load generator ends its own run): read now
 * if it still runs, else the last reading of a poll every `intervalMs`, which misses at most that much.
 */
export function followProcessCpu(pid: number | undefined, intervalMs = 100): { read(): number | undefined; stop(): void } {
  let latest: number | undefined;
  const poll = () => {
    if (pid !== undefined) latest = processCpuMs(pid) ?? latest;
    return latest;
  };
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  poll();
  return { read: poll, stop: () => clearInterval(timer) };
}
