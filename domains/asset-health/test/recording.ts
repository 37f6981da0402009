import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@fieldmesh/testing';
import { stringify } from 'yaml';

export interface ScheduledFailure {
  asset: string;
  mode: string;
  at: number;
  duration: number;
}

/** Where a recording's clock starts unless a test says otherwise: a fixed instant, so figures repeat. */
export const RECORDING_START_MS = 1_795_000_000_000;

/**
 * Records a labelled simulation with the simulator's CLI (a domain may not import the simulator's code)
 * and returns the CSV path; the mapping and labels are written beside it.
 */
export function recordSimulation(
  dir: string,
  options: { name: string; durationSeconds: number; seed: number; linesPerSite: number; failures: ScheduledFailure[]; startTimeMs?: number },
): string {
  const config = join(dir, `${options.name}.config.yaml`);
  writeFileSync(
    config,
    stringify({
      seed: options.seed,
      startTimeMs: options.startTimeMs ?? RECORDING_START_MS,
      plant: { linesPerSite: options.linesPerSite },
      rate: 1,
      durationSeconds: options.durationSeconds,
      failures: options.failures,
    }),
  );
  const csv = join(dir, `${options.name}.csv`);
  execFileSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['deploy/simulator/src/main.ts', 'record', '--config', config, '--out', csv], { cwd: REPO_ROOT, stdio: 'pipe' });
  return csv;
}
