/**
 * `npm run bench:failure-modes`: labelled failure episodes of every mode on every asset class that can have
 * it, in several severities and lengths, recorded from the simulator's physics, backtested through the same
 * feature, operator and alert code as the stream jobs; prints the recall per mode, severity and class.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '@fieldmesh/stack';
import { DEFAULT_VARIATION, measureFailureCoverage, type ModeCoverage } from './failure-coverage';

const HELP = `Recall of the anomaly operator per failure mode, on synthetic rare failures

Usage: npm run bench:failure-modes -- [options]

Records a plant of 2 lines (a compressor, pump, motor and conveyor each) with every failure mode on every
asset class that can have it, at severities ${DEFAULT_VARIATION.severities.join(', ')} and for ${DEFAULT_VARIATION.durationsSeconds.join(' and ')} s,
each asset resting ${DEFAULT_VARIATION.restSeconds} s between episodes; backtests it with the models in use and prints,
per mode, the episodes detected (an alert opened while it lasted) overall, per severity and per class.

Options
  --seed <n>      the simulator's seed (noise and wear): other seeds, other plants (default 42)
  --out <dir>     where the recording, its mapping and labels go (default .fieldmesh/failure-coverage)
  --models <dir>  model registry (default: models/)
  --json          print the figures as JSON
  -h, --help      this help`;

function tally({ episodes, detected }: { episodes: number; detected: number }): string {
  return `${detected}/${episodes}`;
}

function print(rows: ModeCoverage[], summary: string): void {
  console.log(summary);
  const severities = DEFAULT_VARIATION.severities.map(String);
  console.log(`${'mode'.padEnd(16)} detected  recall  median delay  ${severities.map((s) => `sev ${s}`.padEnd(9)).join('')}by class`);
  for (const row of rows) {
    console.log(
      `${row.mode.padEnd(16)} ${tally(row).padStart(8)}  ${`${(row.recall * 100).toFixed(0)}%`.padStart(6)}  ${(row.medianDelaySeconds === null ? '-' : `${Math.round(row.medianDelaySeconds)} s`).padStart(12)}  ` +
        `${severities.map((s) => tally(row.bySeverity[s] ?? { episodes: 0, detected: 0 }).padEnd(9)).join('')}` +
        Object.entries(row.byClass)
          .map(([assetClass, t]) => `${assetClass} ${tally(t)}`)
          .join(', '),
    );
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, out: { type: 'string' }, models: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const seed = Number(values.seed ?? 42);
  if (!Number.isInteger(seed)) throw new TypeError(`--seed must be a whole number, got ${values.seed}`);
  const { csv, episodes, rows, result } = await measureFailureCoverage({
    seed,
    out: values.out ?? join(REPO_ROOT, '.fieldmesh', 'failure-coverage'),
    ...(values.models ? { modelsDir: values.models } : {}),
  });
  const m = result.metrics;
  if (values.json) {
    console.log(JSON.stringify({ seed, recording: csv, hours: result.hours, episodes: episodes.length, alerts: m.alerts, falseAlerts: m.falseAlerts, modes: rows }, null, 2));
    return 0;
  }
  print(
    rows,
    `${episodes.length} episodes on ${result.assets} assets over ${result.hours.toFixed(1)} plant hours (seed ${seed}, ${csv}); models ${Object.values(result.models)
      .map((model) => model.champion)
      .join(', ')}; alerts ${m.alerts}, false ${m.falseAlerts}`,
  );
  return 0;
}

process.exitCode = await main();
