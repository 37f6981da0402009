import type { DataPlane } from './data.plane';
import { startHelper, type HelperProcess } from './helper.process';
import { LOAD_TLS_ENV } from './load-tls.env';

export interface LoadSpec {
  protocol: 'json' | 'sparkplug';
  pointsPerSecond: number;
  durationSeconds: number;
  /** Metrics per Sparkplug DDATA. */
  batchSize: number;
  /** Stamp readings with the send time (latency runs). */
  wallClock: boolean;
}

export interface LoadSummary {
  points: number;
  seconds: number;
  achievedPointsPerSecond: number;
}

const SUMMARY = /^achieved (\d+) points\/s \((\d+) points in ([\d.]+) s; target \d+\)$/;
const PROGRESS = /^\s+(\d+) points acknowledged in ([\d.]+) s/;

/** The load command's closing line ("achieved … points/s (… points in … s; target …)"), if `line` is it. */
export function parseLoadSummary(line: string): LoadSummary | undefined {
  const match = SUMMARY.exec(line);
  if (!match) return undefined;
  return { achievedPointsPerSecond: Number(match[1]), points: Number(match[2]), seconds: Number(match[3]) };
}

/** Whether `line` is one of the load command's per-second progress lines. */
export function isLoadProgress(line: string): boolean {
  return PROGRESS.test(line);
}

export interface RunningLoad {
  /** Resolves at the first progress line: the generator is connected and publishing. */
  publishing: Promise<void>;
  /** The broker-acknowledged figures, when the run is over. */
  done: Promise<LoadSummary>;
  process: HelperProcess;
}

/**
 * Runs the simulator's load mode (`deploy/simulator/src/main.ts load`) in its own process, at the plane's
 * MQTT listener; on the mTLS one with the bench's load certificate (see mqtt-tls.preload.ts).
 */
export function startLoad(root: string, plane: Pick<DataPlane, 'mqttUrl' | 'mqttIdentities'>, spec: LoadSpec): RunningLoad {
  const identity = plane.mqttIdentities?.load;
  const tls = identity
    ? {
        preload: [new URL('./mqtt-tls.preload.ts', import.meta.url).href],
        env: { [LOAD_TLS_ENV.caFile]: identity.caFile, [LOAD_TLS_ENV.certFile]: identity.certFile, [LOAD_TLS_ENV.keyFile]: identity.keyFile },
      }
    : {};
  const args = ['load', '--mqtt-url', plane.mqttUrl, `--${spec.protocol}`, '--rate', String(spec.pointsPerSecond), '--duration', String(spec.durationSeconds)];
  if (spec.protocol === 'sparkplug') args.push('--batch-size', String(spec.batchSize));
  if (spec.wallClock) args.push('--wall-clock');
  let summary: LoadSummary | undefined;
  let markPublishing!: () => void;
  const publishing = new Promise<void>((resolve) => (markPublishing = resolve));
  const helper = startHelper('load generator', 'deploy/simulator/src/main.ts', args, {
    cwd: root,
    ...tls,
    onLine: (line) => {
      if (isLoadProgress(line)) markPublishing();
      summary ??= parseLoadSummary(line);
    },
  });
  const done = helper.finished.then(() => {
    if (!summary) throw new Error(`the load generator finished without its "achieved … points/s" line (arguments: ${args.join(' ')})`);
    return summary;
  });
  // A run too short for a progress line is publishing once it is done.
  void done.then(markPublishing, markPublishing);
  return { publishing, done, process: helper };
}
