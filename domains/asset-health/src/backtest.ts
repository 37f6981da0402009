/**
 * `npx tsx domains/asset-health/src/backtest.ts --recording <plant.csv>`: scores a labelled recording
 * through the same feature, operator and alert code as the stream jobs and prints precision, recall, F1,
 * the false-alarm rate and the detection delay; optionally writes per-window scores and per-timestamp
 * predictions (the input of `fieldmesh models evaluate`).
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '@fieldmesh/config';
import { durationToMs } from '@fieldmesh/governance';
import { formatPredictionRow, PREDICTION_COLUMNS } from '@fieldmesh/ml';
import { alertingSchema } from './asset-health.settings';
import { runBacktest, type BacktestResult } from './backtest/backtest.runner';
import { recordingFiles } from './backtest/recording.reader';
import { featureWindowSpec } from './features/features.contract';
import { DEFAULT_MODELS_DIR } from './paths';

const HELP = `Backtest the anomaly operator on a labelled recording

Usage: npx tsx domains/asset-health/src/backtest.ts --recording <plant.csv> [options]

Record one with failures first, e.g.
  npx tsx deploy/simulator/src/main.ts record --out plant.csv --duration 7200 --failures failures.yaml
or bring your own labelled data with \`fieldmesh data import\`.

Options
  --recording <file.csv>   CSV written by the simulator's record command or \`fieldmesh data import\`
  --mapping <file.yaml>    its mapping (default: <recording>.mapping.yaml)
  --labels <file.jsonl>    its failure labels (default: <recording>.labels.jsonl; without it, the
                           mapping's label.column)
  --window <ISO>           window size (default: the features contract's processing.window.size); the
                           models must have been trained on it
  --scores-out <file.csv>  write each champion score: assetPath, windowStart, windowEnd, model, score,
                           threshold, anomalous
  --predictions-out <file.csv>
                           write one prediction per asset and reading timestamp (the verdict of its
                           window), the input of \`fieldmesh models evaluate --predictions\`
  --models <dir>           model registry (default: models/)
  --open-after <n>         consecutive anomalous windows that open an alert (default 2)
  --close-after <n>        normal windows that close an unacknowledged alert (default 6)
  --json                   print the metrics as JSON
  -h, --help               this help

An episode is detected when an alert opens on its asset while it is active; delay = alert − episode start.
Precision counts alerts opened during an episode or within the close-after windows after it as true.
False alarms per asset-day count each asset's own span (first to last reading), not the recording's.`;

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function seconds(value: number | null): string {
  return value === null ? '-' : `${value.toFixed(0)} s`;
}

function print(result: BacktestResult): void {
  const m = result.metrics;
  console.log(`recording: ${result.assets} assets, ${result.hours.toFixed(2)} h, ${result.windows} windows, ${result.scored} scored by the champions`);
  console.log(
    `models: ${Object.entries(result.models)
      .map(([assetClass, ids]) => `${assetClass}=${ids.champion}${ids.shadow ? ` (shadow ${ids.shadow})` : ''}`)
      .join(', ')}`,
  );
  console.log(`episodes ${m.episodes}, detected ${m.detected}; alerts ${m.alerts}: ${m.truePositives} true, ${m.falseAlerts} false`);
  console.log(`precision ${percent(m.precision)}  recall ${percent(m.recall)}  F1 ${percent(m.f1)}`);
  console.log(`false-alarm rate ${m.falseAlarmsPerAssetDay.toFixed(2)} per asset-day; window false-positive rate ${percent(m.windowFalsePositiveRate)}`);
  console.log(`detection delay median ${seconds(m.delaySeconds.median)}, p90 ${seconds(m.delaySeconds.p90)}, max ${seconds(m.delaySeconds.max)}`);
  console.log('by failure mode:');
  for (const [mode, figures] of Object.entries(m.byMode)) {
    console.log(`  ${mode.padEnd(16)} ${figures.detected}/${figures.episodes} detected, median delay ${seconds(figures.medianDelaySeconds)}`);
  }
}

async function writeLines(file: string, header: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  for (const line of lines) if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  out.end();
  await finished(out);
  console.error(`wrote ${file}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      recording: { type: 'string' },
      mapping: { type: 'string' },
      labels: { type: 'string' },
      window: { type: 'string' },
      'scores-out': { type: 'string' },
      'predictions-out': { type: 'string' },
      models: { type: 'string' },
      'open-after': { type: 'string' },
      'close-after': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(HELP);
  if (!values.recording) {
    console.error(`--recording is required.\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  const alerting = loadConfig(
    alertingSchema,
    {
      ...(values['open-after'] ? { openAfterWindows: Number(values['open-after']) } : {}),
      ...(values['close-after'] ? { autoCloseAfterWindows: Number(values['close-after']) } : {}),
    },
    'backtest options',
  );
  const spec = featureWindowSpec();
  if (values.window) spec.windowMs = durationToMs(values.window);
  const result = await runBacktest({
    files: recordingFiles(values.recording, { ...(values.mapping ? { mapping: values.mapping } : {}), ...(values.labels ? { labels: values.labels } : {}) }),
    modelsDir: values.models ?? DEFAULT_MODELS_DIR,
    spec,
    alerting,
    predictions: Boolean(values['scores-out'] || values['predictions-out']),
  });
  if (values['scores-out']) {
    await writeLines(
      values['scores-out'],
      'assetPath,windowStart,windowEnd,model,score,threshold,anomalous',
      result.scores.map((s) =>
        [s.assetPath, s.windowStart.toISOString(), s.windowEnd.toISOString(), `${s.modelName}@${s.modelVersion}`, s.score, s.threshold, s.anomalous ? 1 : 0].join(','),
      ),
    );
  }
  if (values['predictions-out']) await writeLines(values['predictions-out'], PREDICTION_COLUMNS.join(','), result.predictions.map(formatPredictionRow));
  if (values.json) {
    const { outcomes: _outcomes, ...metrics } = result.metrics;
    console.log(JSON.stringify({ models: result.models, windows: result.windows, scored: result.scored, assets: result.assets, hours: result.hours, ...metrics }, null, 2));
  } else print(result);
}

await main();
