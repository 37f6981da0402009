/**
 * `npx tsx domains/asset-health/src/features-export.ts --recording <plant.csv> --out <features.csv>`
 * Computes the features of a recorded plant with the pipeline's own feature code and writes them as CSV
 * (one row per asset window, one column per `<signal>.<stat>`), the input of tools/ml/train.py.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { durationToMs } from '@fieldmesh/governance';
import { featureValues, type AssetFeatures } from './features/asset-features';
import { assetClassResolver } from './features/asset-class.resolver';
import { featureWindowSpec } from './features/features.contract';
import { modesDuring } from './backtest/episodes';
import { featuresOfRecording } from './backtest/recording.features';
import { loadMapping, recordingEpisodes, recordingFiles } from './backtest/recording.reader';

const HELP = `Export the features of a recorded plant as CSV (input of tools/ml/train.py)

Usage: npx tsx domains/asset-health/src/features-export.ts --recording <plant.csv> --out <features.csv> [options]

Options
  --recording <file.csv>  CSV written by \`npx tsx deploy/simulator/src/main.ts record\` or \`fieldmesh data import\`
  --mapping <file.yaml>   its mapping (default: <recording>.mapping.yaml)
  --labels <file.jsonl>   its failure labels (default: <recording>.labels.jsonl; missing: the mapping's
                          label.column, else none)
  --out <file.csv>        where the features go
  --window <ISO>          window size (default: the features contract's processing.window.size)
  -h, --help              this help

Columns: assetPath, assetClass, windowStart, windowEnd (epoch ms), readingCount, labels (failure modes
active in the window, ';'-separated, empty in normal operation), then one column per <signal>.<stat>.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      recording: { type: 'string' },
      mapping: { type: 'string' },
      labels: { type: 'string' },
      out: { type: 'string' },
      window: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(HELP);
  if (!values.recording || !values.out) {
    console.error(`--recording and --out are required.\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  const files = recordingFiles(values.recording, { ...(values.mapping ? { mapping: values.mapping } : {}), ...(values.labels ? { labels: values.labels } : {}) });
  const mapping = loadMapping(files.mapping);
  const episodes = await recordingEpisodes(files, mapping);
  const spec = featureWindowSpec();
  if (values.window) spec.windowMs = durationToMs(values.window);
  const explicitClasses = Object.fromEntries(mapping.columns.filter((c) => c.assetClass).map((c) => [c.asset, c.assetClass!]));
  const rows: AssetFeatures[] = [];
  const { lateReadings } = await featuresOfRecording(files.csv, mapping, spec, assetClassResolver(explicitClasses), (windows) => void rows.push(...windows));

  const featureNames = [...new Set(rows.flatMap((row) => Object.keys(featureValues(row))))].filter((name) => name !== 'readingCount').sort();
  const lines = [['assetPath', 'assetClass', 'windowStart', 'windowEnd', 'readingCount', 'labels', ...featureNames].join(',')];
  for (const row of rows) {
    const values = featureValues(row);
    const labels = modesDuring(episodes, row.assetPath, row.windowStart.getTime(), row.windowEnd.getTime()).join(';');
    lines.push(
      [row.assetPath, row.assetClass, row.windowStart.getTime(), row.windowEnd.getTime(), row.readingCount, labels, ...featureNames.map((name) => values[name] ?? '')].join(','),
    );
  }
  writeFileSync(values.out, `${lines.join('\n')}\n`);
  console.log(`${rows.length} windows of ${new Set(rows.map((r) => r.assetPath)).size} assets (${spec.windowMs} ms) → ${values.out}; ${lateReadings} late readings`);
}

await main();
